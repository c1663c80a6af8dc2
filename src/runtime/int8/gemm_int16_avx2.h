// GemmWeights::multiply with AVX2 (gemm_int16.h describes the packed layout).
// A micro-kernel keeps a tile of up to 6 rows by 16 columns in 12 vector
// accumulators and, per pair of depths, multiplies two packed weight
// vectors by each row's broadcast activation pair (_mm256_madd_epi16: two
// int16 products summed into one int32 lane, exact). No horizontal sums.
#pragma once
#include <cstdint>

#include "runtime/int8/avx2.h"

namespace octet::int8 {

constexpr int64_t kAvx2GemmColumns = 16;  // columns per packed block

// `packed` holds ceil(cols / 16) blocks of depth * 16 values; depth is even.
OCTET_AVX2 void gemm_int16_avx2(const int16_t* a, int64_t rows, const int16_t* packed, int64_t cols, int64_t depth,
                                int32_t* c, int64_t c_stride);

}  // namespace octet::int8
