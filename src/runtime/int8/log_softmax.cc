#include "runtime/int8/log_softmax.h"

#include <gemmlowp/fixedpoint/fixedpoint.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "graph/error.h"
#include "runtime/int8/fixed_point_log.h"

namespace octet::int8 {
namespace {

// Q5.26 -> the 1/16 output grid: a division by 2^(26 - 4).
constexpr int kOutputIntegerBits = 4;
constexpr int kOutputShift = 31 - kScaledDiffIntegerBits - kOutputIntegerBits;

// Sum of exps of the kept diffs in Q12.19, saturating (see log_softmax.h).
ExpSum sum_of_exps(const SoftmaxParams& p, const int8_t* in, int64_t depth, int64_t stride,
                   int32_t max_value) {
  int32_t sum = 0;
  for (int64_t c = 0; c < depth; ++c) {
    const int32_t diff = in[c * stride] - max_value;
    if (diff >= p.diff_min) {
      const ExpSum e = gemmlowp::Rescale<kExpSumIntegerBits>(exp_of_diff(p, diff));
      sum = saturate_to_int32(int64_t{sum} + e.raw());
    }
  }
  return ExpSum::FromRaw(sum);
}

void log_softmax_row(const LogSoftmaxParams& p, const int8_t* in, int8_t* out, int64_t depth,
                     int64_t stride) {
  int32_t max_value = -128;
  for (int64_t c = 0; c < depth; ++c) max_value = std::max<int32_t>(max_value, in[c * stride]);

  const ExpSum sum = sum_of_exps(p.scaling, in, depth, stride, max_value);
  const int32_t log_sum = log_of_at_least_one<kScaledDiffIntegerBits>(sum).raw();
  // log(sum) - 32 in Q5.26 (log_sum >= 0: no overflow), in input units.
  const int32_t lowest_diff = multiply_by_quantized_multiplier(
      log_sum + std::numeric_limits<int32_t>::min(), p.reverse_multiplier);
  const int32_t kept_above = std::max(p.scaling.diff_min - 1, lowest_diff);

  for (int64_t c = 0; c < depth; ++c) {
    const int32_t diff = in[c * stride] - max_value;
    int32_t q = -128;
    if (diff > kept_above) {
      const int32_t shifted = scaled_diff(p.scaling, diff).raw() - log_sum;
      q = gemmlowp::RoundingDivideByPOT(shifted, kOutputShift) + kLogSoftmaxOutputZeroPoint;
      q = std::clamp<int32_t>(q, -128, 127);
    }
    out[c * stride] = static_cast<int8_t>(q);
  }
}

}  // namespace

LogSoftmaxParams prepare_log_softmax(Affine input, Affine output, float beta) {
  if (output.scale != kLogSoftmaxOutputScale || output.zero_point != kLogSoftmaxOutputZeroPoint)
    fail(ErrorKind::Unsupported, "int8 log softmax: output must have scale 16/256, zero point 127");
  LogSoftmaxParams p;
  p.scaling = prepare_softmax_scaling(input.scale, beta, "int8 log softmax");
  const QuantizedMultiplier& m = p.scaling.input_multiplier;  // shift >= 1: the multiplier is > 1
  p.reverse_multiplier = quantize_multiplier_smaller_than_one(
      std::ldexp(1.0, 31 - m.shift) / static_cast<double>(m.multiplier), "int8 log softmax");
  return p;
}

void log_softmax(const LogSoftmaxParams& params, const int8_t* in, int8_t* out, int64_t outer,
                 int64_t depth, int64_t inner) {
  for_each_row(outer, depth, inner,
               [&](int64_t first) { log_softmax_row(params, in + first, out + first, depth, inner); });
}

}  // namespace octet::int8
