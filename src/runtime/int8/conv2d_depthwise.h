// DEPTHWISE_CONV_2D in int8, fast: a CONV_2D whose groups equal its input
// channels (the IR's form, weights [C*M, KH, KW, 1]; output channel c*M + m
// reads input channel c), with the same results as conv2d() (conv2d.h) bit for
// bit.
//
// How: the input is first copied into an int16 image of centered values
// (input + input_offset) with a border of zeros around it, each input channel
// repeated for its M output channels and the channels padded with zeros to a
// multiple of kDepthwiseLanes. A zero in the border is what the reference's
// skipped taps contribute, so every output pixel then reads all its taps with
// no bounds checks, summing over contiguous channels in fixed-size blocks the
// compiler vectorizes.
//
// With AVX2 the accumulation runs in conv2d_depthwise_avx2.h, on the same
// image.
//
// Why int16 products are exact: |filter| <= 128 and |input + input_offset|
// <= 255, so a product is at most 32640 < 2^15. They are summed in int32, as
// the reference sums.
#pragma once
#include <cstdint>

#include "runtime/int8/conv2d.h"

namespace octet::int8 {

constexpr int kDepthwiseLanes = 16;  // channels per block of the inner loop (the AVX2 code's too)

// `p` must have groups == input channels; `filter` is [output.c, KH, KW, 1];
// `bias` may be null.
void conv2d_depthwise(const Conv2DParams& p, const int8_t* input, const int8_t* filter, const int32_t* bias,
                      int8_t* output);

}  // namespace octet::int8
