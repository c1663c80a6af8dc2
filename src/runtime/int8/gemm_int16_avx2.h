// GemmWeights's products with AVX2 (gemm_int16.h describes the packed
// layout). A micro-kernel keeps a tile of up to 6 rows by 16 columns in 12
// vector accumulators and, per pair of depths, multiplies two packed weight
// vectors by each row's broadcast activation pair (_mm256_madd_epi16: two
// int16 products summed into one int32 lane, exact). No horizontal sums;
// the tile leaves the registers as int32 sums or, with the output stage
// fused in, as requantized int8 codes.
#pragma once
#include <cstdint>

#include "runtime/int8/avx2.h"
#include "runtime/int8/requantize.h"

namespace octet::int8 {

constexpr int64_t kAvx2GemmColumns = 16;  // columns per packed block

// c[m * c_stride + n] = sums for m < rows, n < cols. `packed` holds
// ceil(cols / 16) blocks of depth * 16 values; depth is even.
OCTET_AVX2 void gemm_int16_avx2(const int16_t* a, int64_t rows, const int16_t* packed, int64_t cols, int64_t depth,
                                int32_t* c, int64_t c_stride);

// out[m * out_stride + n] = requantize_rows's code of sum (m, n) + bias[n]
// with q (q.channels() == cols). `bias` may be null.
OCTET_AVX2 void gemm_int16_requantize_avx2(const int16_t* a, int64_t rows, const int16_t* packed, int64_t depth,
                                           const Requantization& q, const int32_t* bias, int8_t* out,
                                           int64_t out_stride);

}  // namespace octet::int8
