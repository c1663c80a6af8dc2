#include "runtime/int8/gemm_int16.h"

#include <algorithm>

#include "runtime/int8/gemm_int16_avx2.h"
#include "runtime/int8/kernel_choice.h"

namespace octet::int8 {
namespace {

constexpr int64_t kPortableDepthBlock = 16;

int64_t round_up(int64_t n, int64_t multiple) { return (n + multiple - 1) / multiple * multiple; }

// Two rows of a against four rows of b: eight dot products at once, each
// loaded vector used two or four times. GCC at -O2 vectorizes the loop (each
// sum a dot-product reduction, pmaddwd) only when it can see that the trip
// count is a multiple of the vector width (depth & ~15) and only when the
// function is compiled on its own, hence noinline.
__attribute__((noinline)) void dot_2x4(const int16_t* __restrict a0, const int16_t* __restrict a1,
                                       const int16_t* __restrict b0, const int16_t* __restrict b1,
                                       const int16_t* __restrict b2, const int16_t* __restrict b3, int64_t depth,
                                       int32_t* __restrict c0, int32_t* __restrict c1) {
  depth &= ~(kPortableDepthBlock - 1);
  int32_t s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
  for (int64_t k = 0; k < depth; ++k) {
    s00 += int32_t{a0[k]} * b0[k];
    s01 += int32_t{a0[k]} * b1[k];
    s02 += int32_t{a0[k]} * b2[k];
    s03 += int32_t{a0[k]} * b3[k];
    s10 += int32_t{a1[k]} * b0[k];
    s11 += int32_t{a1[k]} * b1[k];
    s12 += int32_t{a1[k]} * b2[k];
    s13 += int32_t{a1[k]} * b3[k];
  }
  c0[0] = s00;
  c0[1] = s01;
  c0[2] = s02;
  c0[3] = s03;
  c1[0] = s10;
  c1[1] = s11;
  c1[2] = s12;
  c1[3] = s13;
}

// The portable product, weights b [col][depth].
void gemm_int16_abt(const int16_t* a, int64_t rows, const int16_t* b, int64_t cols, int64_t depth, int32_t* c,
                    int64_t c_stride) {
  // Whole blocks of two rows by four columns are stored in place; a last
  // odd row or last columns are computed on repeated operand rows into
  // `spare` and only their valid sums copied.
  int32_t spare[2][4];
  for (int64_t m = 0; m < rows; m += 2) {
    const bool two_rows = m + 1 < rows;
    const int16_t* a0 = a + m * depth;
    const int16_t* a1 = two_rows ? a0 + depth : a0;
    int32_t* c0 = c + m * c_stride;
    int32_t* c1 = two_rows ? c0 + c_stride : nullptr;
    int64_t n = 0;
    for (; n + 4 <= cols; n += 4) {
      const int16_t* b0 = b + n * depth;
      dot_2x4(a0, a1, b0, b0 + depth, b0 + 2 * depth, b0 + 3 * depth, depth, c0 + n, two_rows ? c1 + n : spare[1]);
    }
    if (n < cols) {
      const auto b_row = [&](int64_t i) { return b + std::min(n + i, cols - 1) * depth; };
      dot_2x4(a0, a1, b_row(0), b_row(1), b_row(2), b_row(3), depth, spare[0], spare[1]);
      std::copy(spare[0], spare[0] + (cols - n), c0 + n);
      if (two_rows) std::copy(spare[1], spare[1] + (cols - n), c1 + n);
    }
  }
}

}  // namespace

void GemmWeights::pack(const int8_t* weights, int64_t cols, int64_t patch) {
  avx2_ = avx2_kernels();
  cols_ = cols;
  depth_ = round_up(patch, avx2_ ? 2 : kPortableDepthBlock);
  // Only the padding needs zeros; a plain resize keeps the buffer's old values elsewhere.
  if (!avx2_) {
    packed_.resize(cols * depth_);
    for (int64_t n = 0; n < cols; ++n) {
      int16_t* row = std::copy_n(weights + n * patch, patch, packed_.data() + n * depth_);
      std::fill(row, packed_.data() + (n + 1) * depth_, int16_t{0});
    }
    return;
  }
  const int64_t padded_cols = round_up(cols, kAvx2GemmColumns), pair_stride = 2 * kAvx2GemmColumns;
  packed_.resize(padded_cols * depth_);
  for (int64_t n = 0; n < padded_cols; ++n) {
    // Column n is lane n % 16 of each depth pair of block n / 16.
    int16_t* lane = packed_.data() + n / kAvx2GemmColumns * kAvx2GemmColumns * depth_ + n % kAvx2GemmColumns * 2;
    const int8_t* w = weights + n * patch;
    const int64_t valid = n < cols ? patch : 0;  // padding columns are all zeros
    int64_t k = 0;
    for (; k + 2 <= valid; k += 2, lane += pair_stride) {
      lane[0] = w[k];
      lane[1] = w[k + 1];
    }
    for (; k < depth_; k += 2, lane += pair_stride) {
      lane[0] = k < valid ? w[k] : 0;
      lane[1] = 0;
    }
  }
}

void GemmWeights::multiply(const int16_t* a, int64_t rows, int32_t* c, int64_t c_stride) const {
  (avx2_ ? gemm_int16_avx2 : gemm_int16_abt)(a, rows, packed_.data(), cols_, depth_, c, c_stride);
}

void GemmWeights::multiply_requantize(const int16_t* a, int64_t rows, const Requantization& q, const int32_t* bias,
                                      int8_t* out, int64_t out_stride) const {
  if (avx2_) return gemm_int16_requantize_avx2(a, rows, packed_.data(), depth_, q, bias, out, out_stride);
  thread_local std::vector<int32_t> sums;  // reused across calls
  sums.resize(rows * cols_);
  multiply(a, rows, sums.data(), cols_);
  requantize_rows(q, sums.data(), cols_, rows, bias, out, out_stride);
}

}  // namespace octet::int8
