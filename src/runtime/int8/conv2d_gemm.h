// CONV_2D in int8, fast: the same results as conv2d() (conv2d.h, TFLite's
// reference ConvPerChannel) bit for bit, as an integer matrix product.
//
// How: each tile of output pixels gathers its receptive fields (im2col) as
// centered int16 values, input + input_offset, with 0 for taps in the padding
// (what the reference's skipped taps contribute); multiplies them by the
// int16 weights with int32 sums (gemm_int16.h, exact: the sums are the
// reference's accumulators); and rescales the tile's sums in vector blocks
// (requantize.h), with AVX2 straight from the product's registers.
#pragma once
#include <cstdint>
#include <vector>

#include "runtime/int8/conv2d.h"

namespace octet::int8 {

void conv2d_gemm(const Conv2DParams& p, const int8_t* input, const int8_t* filter, const int32_t* bias,
                 int8_t* output);

// The int32 sums before bias and rescaling, [batch][oy][ox][oc]: each equal to
// conv2d_accumulate()'s for that output element.
std::vector<int32_t> conv2d_gemm_accumulators(const Conv2DParams& p, const int8_t* input, const int8_t* filter);

}  // namespace octet::int8
