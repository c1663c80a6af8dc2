// The integer matrix product under the fast int8 convolution: int16 operands,
// int32 sums, exact. Centered int8 activations (code - zero point, at most
// 255 in magnitude) and int8 weights fit int16, and every product and sum of
// the convolution's accumulator fits int32 (conv2d.h derives the bound), so
// the sums are the reference's integers whatever order they are added in.
//
// The weights are packed once per call in the layout of the code that will
// run (kernel_choice.h):
//   portable: [col][depth], depth padded with zeros to a multiple of 16,
//     which lets the compiler vectorize the dot products (SSE2's pmaddwd);
//   AVX2 (gemm_int16_avx2.h): blocks of 16 columns, [block][depth / 2][16][2],
//     depth padded to even, columns to 16: one vector holds a pair of depths
//     of 8 columns, what _mm256_madd_epi16 multiplies by a pair of one row's
//     activations broadcast to every lane.
#pragma once
#include <cstdint>
#include <vector>

#include "runtime/int8/requantize.h"

namespace octet::int8 {

class GemmWeights {
 public:
  // Packs `cols` rows of `patch` int8 weights, [col][patch].
  void pack(const int8_t* weights, int64_t cols, int64_t patch);

  // The length the left operand's rows must have: the patch padded with zeros.
  int64_t depth() const { return depth_; }

  // c[m * c_stride + n] = sum_k a[m * depth() + k] * weights[n][k] for
  // m < rows, n < cols; other elements of c are left alone.
  void multiply(const int16_t* a, int64_t rows, int32_t* c, int64_t c_stride) const;

  // The same sums through the output stage: out[m * out_stride + n] =
  // requantize_rows's code of sum (m, n) + bias[n] with q, whose channels
  // are the columns. `bias` may be null. The AVX2 code requantizes each
  // tile straight from its registers.
  void multiply_requantize(const int16_t* a, int64_t rows, const Requantization& q, const int32_t* bias,
                           int8_t* out, int64_t out_stride) const;

 private:
  bool avx2_ = false;
  int64_t cols_ = 0, depth_ = 0;
  std::vector<int16_t> packed_;
};

}  // namespace octet::int8
