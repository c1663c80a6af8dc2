// FULLY_CONNECTED in int8, fast: the same results as fully_connected()
// (fully_connected.h) bit for bit.
//
// How: sum_d (w + filter_offset) * (x + input_offset)
//        = sum_d w * xc + filter_offset * sum_d xc,   xc = x + input_offset,
// an identity in integers. xc is made once per input row in int16, and each
// product w * xc, at most 128 * 255 = 32640 in magnitude, is exact in int16
// and summed in int32 over fixed blocks the compiler vectorizes. The output
// stage runs in vector blocks too (requantize.h).
#pragma once
#include <cstdint>

#include "runtime/int8/fully_connected.h"

namespace octet::int8 {

void fully_connected_fast(const FullyConnectedParams& p, const int8_t* input, const int8_t* filter,
                          const int32_t* bias, int8_t* output);

}  // namespace octet::int8
