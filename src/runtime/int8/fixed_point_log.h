// Natural logarithm in gemmlowp fixed point, bit-exact with TFLite's
// log_x_for_x_greater_than_or_equal_to_1 (kernels/internal/common.h), which its
// int8 LOG_SOFTMAX applies to the sum of exps. gemmlowp itself has no log.
//
// The real math: write x = r * 2^e with r in [2^-1/2, 1), then
//   log x = (e - 1/4) * log 2 + log(r * 2^(1/4)),
// where r * 2^(1/4) lies in [2^-1/4, 2^1/4], close enough to 1 for a small
// rational function (in q = 2 * (r - 2^-1/4)) to give the last term.
//
// Finding r: a count-leading-zeros shift gives x's mantissa m in [1/2, 1).
// If m < 2^-1/2, r = m * sqrt(2); otherwise r = m. TFLite computes both
// candidates (one of them saturates at 1) and keeps the smaller r and the
// larger exponent, which is what we do too, so the roundings match.
#pragma once
#include <gemmlowp/fixedpoint/fixedpoint.h>

#include <algorithm>
#include <cstdint>
#include <limits>

namespace octet::int8 {

// An int64 intermediate clamped to int32 (TFLite's SaturatingAddNonGemmlowp,
// SaturatingSub and SaturatingRoundingMultiplyByPOTParam all reduce to this).
inline int32_t saturate_to_int32(int64_t x) {
  return static_cast<int32_t>(std::clamp<int64_t>(x, std::numeric_limits<int32_t>::min(),
                                                  std::numeric_limits<int32_t>::max()));
}

// x * 2^exponent for exponent in [0, 31], saturating.
inline int32_t saturating_shift_left(int32_t x, int exponent) {
  return saturate_to_int32(static_cast<int64_t>(x) * (int64_t{1} << exponent));
}

// log(x) for x >= 1, from Q(kInputIntegerBits) to Q(kOutputIntegerBits).
// (TFLite accepts x down to 2^-kInputIntegerBits; a raw value of 0 is undefined.)
template <int kOutputIntegerBits, int kInputIntegerBits>
gemmlowp::FixedPoint<int32_t, kOutputIntegerBits> log_of_at_least_one(
    gemmlowp::FixedPoint<int32_t, kInputIntegerBits> x) {
  // log x < x, and the exponent term below stays under kInputIntegerBits + 1.
  static_assert(kInputIntegerBits < (1 << kOutputIntegerBits), "output too narrow for the log");
  using Q0 = gemmlowp::FixedPoint<int32_t, 0>;
  // The two terms are summed with one more integer bit, so that a saturated
  // first term does not spoil the sum (TFLite's reason, kept for exactness).
  constexpr int kSumIntegerBits = kOutputIntegerBits + 1;
  using Sum = gemmlowp::FixedPoint<int32_t, kSumIntegerBits>;

  // Q0.31 constants, each round(value * 2^31).
  const Q0 log_2 = Q0::FromRaw(1488522236);
  const Q0 two_to_minus_quarter = Q0::FromRaw(1805811301);
  const Q0 sqrt_half = Q0::FromRaw(1518500250);
  // log(r * 2^(1/4)) ~ (q r + a_num q^3) / (1 + p (b0 + q + b2 q^2) + b1 q),
  // p = (r + 2^-1/4) / 2, with a_num = 11/240 * 2^(1/4), b0 = 2 * 2^-1/4 - 2^(1/4),
  // b1 = 2^(1/4) / 4, b2 = 2^(1/4) / 20.
  const Q0 a_num = Q0::FromRaw(117049297);
  const Q0 b0 = Q0::FromRaw(1057819769);
  const Q0 b1 = Q0::FromRaw(638450708);
  const Q0 b2 = Q0::FromRaw(127690142);
  const int32_t quarter = 1 << (31 - kSumIntegerBits - 2);  // 1/4 in Q(kSumIntegerBits)
  const auto integer_in_sum_format = [](int n) {
    return saturating_shift_left(n, 31 - kSumIntegerBits);
  };

  // Candidate 1: x = m * 2^(I + 1 - lz) with m in [1/2, 1) (the shift is exact);
  // r = m * sqrt(2) (saturating at 1 when m >= 2^-1/2), x = r * 2^(I + 1/2 - lz):
  // e - 1/4 = I - lz + 1/4.
  const int32_t raw = x.raw();
  const int leading_zeros = __builtin_clz(static_cast<uint32_t>(raw));
  const Q0 mantissa = Q0::FromRaw(raw << (leading_zeros - 1));
  const int32_t r_times_sqrt2 = saturating_shift_left((mantissa * sqrt_half).raw(), 1);
  const int32_t exponent_times_sqrt2 = saturate_to_int32(
      int64_t{integer_in_sum_format(kInputIntegerBits - leading_zeros)} + quarter);

  // Candidate 2: the headroom of x / sqrt(2) instead: r = x's raw shifted left by
  // it (saturating at 1 when m < 2^-1/2), x = r * 2^(I - headroom): e - 1/4 =
  // I - headroom - 1/4.
  const int32_t below = (Q0::FromRaw(raw) * sqrt_half).raw();
  const int headroom = __builtin_clz(static_cast<uint32_t>(below)) - 1;
  const int32_t r_plain = saturating_shift_left(raw, headroom);
  const int32_t exponent_plain = saturate_to_int32(
      int64_t{integer_in_sum_format(kInputIntegerBits - headroom)} - quarter);

  const Q0 r = Q0::FromRaw(std::min(r_times_sqrt2, r_plain));
  const Sum exponent = Sum::FromRaw(std::max(exponent_times_sqrt2, exponent_plain));

  const Q0 p = gemmlowp::RoundingHalfSum(r, two_to_minus_quarter);
  const Q0 half_q = r - two_to_minus_quarter;
  const Q0 q = half_q + half_q;
  const Q0 q_squared = q * q;
  const Q0 numerator = q * r + q * q_squared * a_num;
  const Q0 denominator_minus_one = p * (b0 + q + b2 * q_squared) + b1 * q;
  const Q0 inverse_denominator = gemmlowp::one_over_one_plus_x_for_x_in_0_1(denominator_minus_one);

  return gemmlowp::Rescale<kOutputIntegerBits>(
      exponent * log_2 + gemmlowp::Rescale<kSumIntegerBits>(numerator) * inverse_denominator);
}

}  // namespace octet::int8
