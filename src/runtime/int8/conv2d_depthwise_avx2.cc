#include "runtime/int8/conv2d_depthwise_avx2.h"

namespace octet::int8 {
namespace {

constexpr int kRowPixels = 4;  // 4 x 2 accumulators + 2 weight vectors + temporaries fit the 16 registers

OCTET_AVX2_INLINE __m256i load_16(const int16_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }

// One block of 16 channels of `Pixels` pixels.
template <int Pixels>
OCTET_AVX2 void accumulate_block(const int16_t* origin, int64_t step, const int64_t* tap_offsets, int tap_pairs,
                                 const int16_t* paired, int32_t* sums, int lanes) {
  __m256i low[Pixels], high[Pixels];  // channels [0-3, 8-11] and [4-7, 12-15]
#pragma GCC unroll 4
  for (int j = 0; j < Pixels; ++j) low[j] = high[j] = _mm256_setzero_si256();
  for (int t = 0; t < tap_pairs; ++t, paired += 2 * kDepthwiseAvx2Lanes) {
    const __m256i w_low = load_16(paired), w_high = load_16(paired + kDepthwiseAvx2Lanes);
    const int64_t first = tap_offsets[2 * t], second = tap_offsets[2 * t + 1];
#pragma GCC unroll 4
    for (int j = 0; j < Pixels; ++j) {
      const __m256i a = load_16(origin + j * step + first), b = load_16(origin + j * step + second);
      low[j] = _mm256_add_epi32(low[j], _mm256_madd_epi16(_mm256_unpacklo_epi16(a, b), w_low));
      high[j] = _mm256_add_epi32(high[j], _mm256_madd_epi16(_mm256_unpackhi_epi16(a, b), w_high));
    }
  }
#pragma GCC unroll 4
  for (int j = 0; j < Pixels; ++j) {
    __m256i* out = reinterpret_cast<__m256i*>(sums + j * lanes);
    _mm256_storeu_si256(out, _mm256_permute2x128_si256(low[j], high[j], 0x20));      // channels 0-7
    _mm256_storeu_si256(out + 1, _mm256_permute2x128_si256(low[j], high[j], 0x31));  // channels 8-15
  }
}

}  // namespace

std::vector<int16_t> pair_depthwise_taps_avx2(const int16_t* weights, int taps, int lanes) {
  const int tap_pairs = (taps + 1) / 2;
  std::vector<int16_t> paired(int64_t{lanes} * tap_pairs * 2);
  __m256i* out = reinterpret_cast<__m256i*>(paired.data());
  for (int block = 0; block < lanes; block += kDepthwiseAvx2Lanes) {
    for (int t = 0; t < taps; t += 2, out += 2) {
      const __m256i a = load_16(weights + int64_t{t} * lanes + block);
      const __m256i b = t + 1 < taps ? load_16(weights + int64_t{t + 1} * lanes + block) : _mm256_setzero_si256();
      _mm256_storeu_si256(out, _mm256_unpacklo_epi16(a, b));
      _mm256_storeu_si256(out + 1, _mm256_unpackhi_epi16(a, b));
    }
  }
  return paired;
}

void depthwise_row_avx2(const int16_t* origin, int64_t step, int pixels, const int64_t* tap_offsets, int tap_pairs,
                        const int16_t* paired, int lanes, int32_t* sums) {
  const int64_t block_weights = int64_t{tap_pairs} * 2 * kDepthwiseAvx2Lanes;
  for (int block = 0; block < lanes; block += kDepthwiseAvx2Lanes) {
    const int16_t* weights = paired + block / kDepthwiseAvx2Lanes * block_weights;
    int x = 0;
    for (; x + kRowPixels <= pixels; x += kRowPixels)
      accumulate_block<kRowPixels>(origin + x * step + block, step, tap_offsets, tap_pairs, weights,
                                   sums + int64_t{x} * lanes + block, lanes);
    for (; x < pixels; ++x)
      accumulate_block<1>(origin + x * step + block, step, tap_offsets, tap_pairs, weights,
                          sums + int64_t{x} * lanes + block, lanes);
  }
}

}  // namespace octet::int8
