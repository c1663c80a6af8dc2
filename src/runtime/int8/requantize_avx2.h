// The output stage (requantize.h) with AVX2, exact for every input
// (requantize_lanes_avx2.h has the vector arithmetic and why it is exact).
#pragma once
#include <cstdint>

#include "runtime/int8/avx2.h"
#include "runtime/int8/requantize.h"

namespace octet::int8 {

// requantize_rows, every channel.
OCTET_AVX2 void requantize_rows_avx2(const Requantization& q, const int32_t* acc, int64_t acc_stride, int64_t rows,
                                     const int32_t* bias, int8_t* out, int64_t out_stride);

// requantize_uniform, every value.
OCTET_AVX2 void requantize_uniform_avx2(const Requantization& q, const int32_t* values, int64_t n, int8_t* out);

}  // namespace octet::int8
