// The integer matrix product under the fast int8 convolution: int16 operands,
// int32 sums, exact. Centered int8 activations (code - zero point, at most
// 255 in magnitude) and int8 weights fit int16, and every product and sum of
// the convolution's accumulator fits int32 (conv2d.h derives the bound), so
// the sums are the reference's integers whatever order they are added in.
//
// Operand rows are padded with zeros to a multiple of kGemmDepthBlock, which
// lets the compiler vectorize the inner loop (SSE2's pmaddwd on x86-64).
#pragma once
#include <cstdint>

namespace octet::int8 {

constexpr int64_t kGemmDepthBlock = 16;

inline int64_t padded_depth(int64_t depth) { return (depth + kGemmDepthBlock - 1) / kGemmDepthBlock * kGemmDepthBlock; }

// c[m * c_stride + n] = sum_k a[m * depth + k] * b[n * depth + k] for m < rows,
// n < cols; `depth` is a multiple of kGemmDepthBlock.
void gemm_int16_abt(const int16_t* a, int64_t rows, const int16_t* b, int64_t cols, int64_t depth, int32_t* c,
                    int64_t c_stride);

}  // namespace octet::int8
