#include "runtime/int8/gemm_int16_avx2.h"

#include <algorithm>
#include <cstring>

namespace octet::int8 {
namespace {

constexpr int kTileRows = 6;  // 6 x 2 accumulators + 2 weight vectors + 1 broadcast: 15 of 16 registers

OCTET_AVX2 __m256i broadcast_pair(const int16_t* p) {
  int32_t pair;
  std::memcpy(&pair, p, sizeof pair);
  return _mm256_set1_epi32(pair);
}

// c's tile of `Rows` rows from a (rows `depth` apart) and one packed block of
// 16 columns, of which the first `cols` are stored.
template <int Rows>
OCTET_AVX2 void multiply_tile(const int16_t* a, int64_t depth, const int16_t* block, int64_t cols, int32_t* c,
                              int64_t c_stride) {
  __m256i low[Rows], high[Rows];  // columns 0-7 and 8-15
#pragma GCC unroll 6
  for (int i = 0; i < Rows; ++i) low[i] = high[i] = _mm256_setzero_si256();
  for (int64_t k = 0; k < depth; k += 2, block += 2 * kAvx2GemmColumns) {
    const __m256i w_low = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block));
    const __m256i w_high = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + kAvx2GemmColumns));
#pragma GCC unroll 6
    for (int i = 0; i < Rows; ++i) {
      const __m256i x = broadcast_pair(a + i * depth + k);
      low[i] = _mm256_add_epi32(low[i], _mm256_madd_epi16(x, w_low));
      high[i] = _mm256_add_epi32(high[i], _mm256_madd_epi16(x, w_high));
    }
  }
  const bool whole_block = cols == kAvx2GemmColumns;
  int32_t spare[kAvx2GemmColumns];
#pragma GCC unroll 6
  for (int i = 0; i < Rows; ++i) {
    int32_t* row = whole_block ? c + i * c_stride : spare;
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(row), low[i]);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(row + 8), high[i]);
    if (!whole_block) std::copy_n(spare, cols, c + i * c_stride);
  }
}

OCTET_AVX2 void multiply_rows(const int16_t* a, int64_t rows, int64_t depth, const int16_t* block, int64_t cols,
                              int32_t* c, int64_t c_stride) {
  switch (rows) {
    case 1: return multiply_tile<1>(a, depth, block, cols, c, c_stride);
    case 2: return multiply_tile<2>(a, depth, block, cols, c, c_stride);
    case 3: return multiply_tile<3>(a, depth, block, cols, c, c_stride);
    case 4: return multiply_tile<4>(a, depth, block, cols, c, c_stride);
    case 5: return multiply_tile<5>(a, depth, block, cols, c, c_stride);
    default: return multiply_tile<kTileRows>(a, depth, block, cols, c, c_stride);
  }
}

}  // namespace

void gemm_int16_avx2(const int16_t* a, int64_t rows, const int16_t* packed, int64_t cols, int64_t depth, int32_t* c,
                     int64_t c_stride) {
  // Column blocks outside, rows inside: one block's weights (at most
  // depth * 32 bytes) stay in the L1 cache while every row passes by.
  for (int64_t n = 0; n < cols; n += kAvx2GemmColumns) {
    const int16_t* block = packed + n * depth;
    const int64_t block_cols = std::min(kAvx2GemmColumns, cols - n);
    for (int64_t m = 0; m < rows; m += kTileRows)
      multiply_rows(a + m * depth, std::min<int64_t>(kTileRows, rows - m), depth, block, block_cols,
                    c + m * c_stride + n, c_stride);
  }
}

}  // namespace octet::int8
