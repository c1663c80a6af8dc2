#include "runtime/int8/gemm_int16_avx2.h"

#include <algorithm>
#include <cstring>

#include "runtime/int8/requantize_lanes_avx2.h"

namespace octet::int8 {
namespace {

constexpr int kTileRows = 6;  // 6 x 2 accumulators + 2 weight vectors + 1 broadcast: 15 of 16 registers
static_assert(kAvx2GemmColumns == kAvx2OutputBlock, "a tile's columns are one output block");

OCTET_AVX2_INLINE __m256i broadcast_pair(const int16_t* p) {
  int32_t pair;
  std::memcpy(&pair, p, sizeof pair);
  return _mm256_set1_epi32(pair);
}

// The tile of up to 6 rows from a (rows `depth` apart) by one packed block
// of 16 columns: sums stored at c, rows c_stride apart, the first `cols`
// columns.
template <int Rows>
OCTET_AVX2 void multiply_tile(const int16_t* a, int64_t depth, const int16_t* block, int32_t* c, int64_t c_stride,
                              int64_t cols) {
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

OCTET_AVX2 void multiply_rows(const int16_t* a, int rows, int64_t depth, const int16_t* block, int32_t* c,
                              int64_t c_stride, int64_t cols) {
  switch (rows) {
    case 1: return multiply_tile<1>(a, depth, block, c, c_stride, cols);
    case 2: return multiply_tile<2>(a, depth, block, c, c_stride, cols);
    case 3: return multiply_tile<3>(a, depth, block, c, c_stride, cols);
    case 4: return multiply_tile<4>(a, depth, block, c, c_stride, cols);
    case 5: return multiply_tile<5>(a, depth, block, c, c_stride, cols);
    default: return multiply_tile<kTileRows>(a, depth, block, c, c_stride, cols);
  }
}

}  // namespace

void gemm_int16_avx2(const int16_t* a, int64_t rows, const int16_t* packed, int64_t cols, int64_t depth, int32_t* c,
                     int64_t c_stride) {
  // Column blocks outside, rows inside: one block's weights (at most
  // depth * 32 bytes) stay in the L1 cache while every row passes by.
  for (int64_t n = 0; n < cols; n += kAvx2GemmColumns) {
    for (int64_t m = 0; m < rows; m += kTileRows)
      multiply_rows(a + m * depth, static_cast<int>(std::min<int64_t>(kTileRows, rows - m)), depth,
                    packed + n * depth, c + m * c_stride + n, c_stride, std::min(kAvx2GemmColumns, cols - n));
  }
}

void gemm_int16_requantize_avx2(const int16_t* a, int64_t rows, const int16_t* packed, int64_t depth,
                                const Requantization& q, const int32_t* bias, int8_t* out, int64_t out_stride) {
  // Each tile's sums go through a buffer in the L1 cache (the output stage
  // in the micro-kernel itself makes GCC spill its accumulators).
  const OutputLanes lanes = output_lanes(q);
  alignas(32) int32_t tile[kTileRows][kAvx2GemmColumns];
  for (int n = 0; n < q.channels(); n += kAvx2GemmColumns) {
    const OutputBlock block = load_output_block(q, n, bias);
    for (int64_t m = 0; m < rows; m += kTileRows) {
      const int tile_rows = static_cast<int>(std::min<int64_t>(kTileRows, rows - m));
      multiply_rows(a + m * depth, tile_rows, depth, packed + n * depth, tile[0], kAvx2GemmColumns, kAvx2GemmColumns);
      for (int i = 0; i < tile_rows; ++i)
        requantize_store(block, lanes, load_8(tile[i]), load_8(tile[i] + 8), out + (m + i) * out_stride + n);
    }
  }
}

}  // namespace octet::int8
