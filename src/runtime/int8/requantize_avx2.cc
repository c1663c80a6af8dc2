#include "runtime/int8/requantize_avx2.h"

#include <limits>

namespace octet::int8 {
namespace {

// Eight channels' multipliers, loaded from a Requantization's int32 fields.
struct MultiplierLanes {
  __m256i significand, odd_significand, left_shift, right_shift, remainder_mask, half_mask;
};

// (Helpers rather than lambdas: a lambda does not inherit OCTET_AVX2.)
OCTET_AVX2 __m256i load_8(const int32_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }

OCTET_AVX2 MultiplierLanes load_multipliers(const Requantization& q, int first) {
  MultiplierLanes m;
  m.significand = load_8(q.significands.data() + first);
  m.odd_significand = _mm256_srli_epi64(m.significand, 32);
  m.left_shift = load_8(q.left_shifts.data() + first);
  m.right_shift = load_8(q.right_shifts.data() + first);
  m.remainder_mask = load_8(q.remainder_masks.data() + first);
  m.half_mask = _mm256_srli_epi32(m.remainder_mask, 1);
  return m;
}

// gemmlowp's SaturatingRoundingDoublingHighMul(x, m) = floor((x * m + 2^30)
// / 2^31) (fixed_point.h): bits 31..62 of the 64-bit x * m + 2^30, which
// shifting left by one moves into the high half of each 64-bit lane. It
// fits int32 except for x = m = INT32_MIN, where it saturates to INT32_MAX:
// the lanes of that case are flipped from INT32_MIN to INT32_MAX.
OCTET_AVX2 __m256i high_halves(__m256i product) {
  return _mm256_slli_epi64(_mm256_add_epi64(product, _mm256_set1_epi64x(int64_t{1} << 30)), 1);
}

OCTET_AVX2 __m256i doubling_high_mul(__m256i x, const MultiplierLanes& m) {
  const __m256i even = high_halves(_mm256_mul_epi32(x, m.significand));
  const __m256i odd = high_halves(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), m.odd_significand));
  const __m256i high = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0b10101010);
  const __m256i int32_min = _mm256_set1_epi32(std::numeric_limits<int32_t>::min());
  const __m256i saturated =
      _mm256_and_si256(_mm256_cmpeq_epi32(x, m.significand), _mm256_cmpeq_epi32(x, int32_min));
  return _mm256_xor_si256(high, saturated);
}

// gemmlowp's RoundingDivideByPOT: x / 2^R rounded half away from zero, as
// x >> R plus one where the remainder x & (2^R - 1) exceeds the threshold
// (2^R - 1) / 2, one more for negative x.
OCTET_AVX2 __m256i rounding_divide_by_pot(__m256i x, const MultiplierLanes& m) {
  const __m256i remainder = _mm256_and_si256(x, m.remainder_mask);
  const __m256i threshold = _mm256_sub_epi32(m.half_mask, _mm256_srai_epi32(x, 31));  // srai: -1 if negative
  return _mm256_sub_epi32(_mm256_srav_epi32(x, m.right_shift), _mm256_cmpgt_epi32(remainder, threshold));
}

// clamp(MBQM(x) + output_offset) of eight lanes, stored as eight int8.
OCTET_AVX2 void requantize_8(__m256i x, const MultiplierLanes& m, __m256i offset, __m256i low, __m256i high,
                             int8_t* out) {
  const __m256i shifted = _mm256_sllv_epi32(x, m.left_shift);  // wraps, as TFLite's x * (1 << shift)
  __m256i y = _mm256_add_epi32(rounding_divide_by_pot(doubling_high_mul(shifted, m), m), offset);
  y = _mm256_min_epi32(_mm256_max_epi32(y, low), high);
  // Narrowing packs work within 128-bit halves: lanes 0-3 and 4-7 end up in
  // the low 4 bytes of each half.
  const __m256i words = _mm256_packs_epi32(y, y);
  const __m256i bytes = _mm256_packs_epi16(words, words);
  const __m128i joined = _mm_unpacklo_epi32(_mm256_castsi256_si128(bytes), _mm256_extracti128_si256(bytes, 1));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), joined);
}

}  // namespace

int requantize_channel_blocks_avx2(const Requantization& q, const int32_t* acc, const int32_t* bias, int8_t* out) {
  const __m256i offset = _mm256_set1_epi32(q.output_offset);
  const __m256i low = _mm256_set1_epi32(q.activation.min), high = _mm256_set1_epi32(q.activation.max);
  const int blocks_end = q.channels() / kRequantizeBlock * kRequantizeBlock;
  for (int c = 0; c < blocks_end; c += kRequantizeBlock) {
    const __m256i x = bias ? _mm256_add_epi32(load_8(acc + c), load_8(bias + c)) : load_8(acc + c);
    requantize_8(x, load_multipliers(q, c), offset, low, high, out + c);
  }
  return blocks_end;
}

int64_t requantize_uniform_blocks_avx2(const Requantization& q, const int32_t* values, int64_t n, int8_t* out) {
  const __m256i offset = _mm256_set1_epi32(q.output_offset);
  const __m256i low = _mm256_set1_epi32(q.activation.min), high = _mm256_set1_epi32(q.activation.max);
  const MultiplierLanes m = load_multipliers(q, 0);
  const int64_t blocks_end = n / kRequantizeBlock * kRequantizeBlock;
  for (int64_t i = 0; i < blocks_end; i += kRequantizeBlock) requantize_8(load_8(values + i), m, offset, low, high, out + i);
  return blocks_end;
}

}  // namespace octet::int8
