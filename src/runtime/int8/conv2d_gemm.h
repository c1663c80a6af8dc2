// CONV_2D in int8, fast: the same results as conv2d() (conv2d.h, TFLite's
// reference ConvPerChannel) bit for bit, computed with the float GEMM of the
// float engine (runtime/gemm.h).
//
// Why float is exact here: with the input offset applied, each product
// filter * (input - input_zero_point) is an integer of magnitude at most
// 128 * 255 = 32640 < 2^15, so any sum of at most kExactDepth of them, and
// every partial sum on the way, is an integer below 2^24 and exact in float
// whatever order the GEMM adds in. The patch is summed in slices of that
// depth, each slice converted to int32 and added up in int32, exactly as the
// reference accumulates. Padding taps are zeros after the offset, which is
// what the reference's skipped taps contribute.
#pragma once
#include <cstdint>
#include <vector>

#include "runtime/int8/conv2d.h"

namespace octet::int8 {

constexpr int64_t kExactDepth = 512;  // 512 * 32640 < 2^24

void conv2d_gemm(const Conv2DParams& p, const int8_t* input, const int8_t* filter, const int32_t* bias,
                 int8_t* output);

// The int32 sums before bias and rescaling, [batch][oy][ox][oc]: each equal to
// conv2d_accumulate()'s for that output element.
std::vector<int32_t> conv2d_gemm_accumulators(const Conv2DParams& p, const int8_t* input, const int8_t* filter);

}  // namespace octet::int8
