// Centering int8 codes for the int16 kernels (conv2d_gemm, conv2d_depthwise,
// fully_connected_fast): code + zero-point offset, exact in int16 (at most
// 255 in magnitude). With AVX2 16 codes at a time are sign-extended and
// offset; otherwise the compiler's vectorized loop (vector_blocks.h) runs.
#pragma once
#include <cstdint>

namespace octet::int8 {

// out[i] = in[i] + offset for i < n; `in` and `out` must not overlap.
void center_codes(const int8_t* in, int64_t n, int32_t offset, int16_t* out);

}  // namespace octet::int8
