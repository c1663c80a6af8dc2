#include "runtime/gemm.h"

#include <Eigen/Core>
#include <algorithm>
#include <cstring>

namespace octet {
namespace {

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Strided = Eigen::OuterStride<>;
using ConstMap = Eigen::Map<const RowMajor, Eigen::Unaligned, Strided>;
using MutMap = Eigen::Map<RowMajor, Eigen::Unaligned, Strided>;

ConstMap map(ConstMatrix m) { return ConstMap(m.data, m.rows, m.cols, Strided(m.stride)); }
MutMap map(MutMatrix m) { return MutMap(m.data, m.rows, m.cols, Strided(m.stride)); }

}  // namespace

void gemm_accumulate_abt(ConstMatrix a, ConstMatrix b, MutMatrix out) {
  map(out).noalias() += map(a) * map(b).transpose();
}

void gemm_ab(ConstMatrix a, ConstMatrix b, MutMatrix out) { map(out).noalias() = map(a) * map(b); }

void accumulate_scaled_rows(ConstMatrix a, const float* row, MutMatrix out) {
  using ConstRow = Eigen::Map<const Eigen::RowVectorXf>;
  map(out).array() += map(a).array().rowwise() * ConstRow(row, a.cols).array();
}

void fill_rows(MutMatrix out, const float* row) {
  for (int64_t r = 0; r < out.rows; ++r) {
    float* dst = out.data + r * out.stride;
    if (row) std::memcpy(dst, row, sizeof(float) * out.cols);
    else std::fill(dst, dst + out.cols, 0.0f);
  }
}

// Both directions walk the same (pixel, tap) pairs; `visit` gets the input
// pixel's channel slice (null when the tap falls in the padding) and the
// patch slice it pairs with.
template <typename Visit>
static void for_each_tap(const ConvWindow& w, int64_t channel_begin, int64_t group_channels,
                         int64_t first_pixel, int64_t rows, Visit visit) {
  const int64_t row_size = w.kernel_h * w.kernel_w * group_channels;
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t pixel = first_pixel + r;
    const int64_t oy = pixel / w.out_w, ox = pixel % w.out_w;
    int64_t patch = r * row_size;
    for (int64_t ky = 0; ky < w.kernel_h; ++ky) {
      const int64_t iy = oy * w.stride_h - w.pad_top + ky * w.dilation_h;
      const bool row_inside = iy >= 0 && iy < w.in_h;
      for (int64_t kx = 0; kx < w.kernel_w; ++kx, patch += group_channels) {
        const int64_t ix = ox * w.stride_w - w.pad_left + kx * w.dilation_w;
        const bool inside = row_inside && ix >= 0 && ix < w.in_w;
        visit(inside ? (iy * w.in_w + ix) * w.channels + channel_begin : -1, patch);
      }
    }
  }
}

int64_t patch_tile_rows(int64_t pixels, int64_t patch_size) {
  constexpr int64_t kTileFloats = 1 << 18;
  return std::max<int64_t>(1, std::min(pixels, kTileFloats / patch_size));
}

void im2col(const float* image, const ConvWindow& w, int64_t channel_begin, int64_t group_channels,
            int64_t first_pixel, int64_t rows, float* patches) {
  const size_t bytes = sizeof(float) * group_channels;
  for_each_tap(w, channel_begin, group_channels, first_pixel, rows, [&](int64_t in, int64_t patch) {
    if (in >= 0) std::memcpy(patches + patch, image + in, bytes);
    else std::memset(patches + patch, 0, bytes);
  });
}

void col2im_accumulate(const float* patches, const ConvWindow& w, int64_t channel_begin,
                       int64_t group_channels, int64_t first_pixel, int64_t rows, float* image) {
  for_each_tap(w, channel_begin, group_channels, first_pixel, rows, [&](int64_t in, int64_t patch) {
    if (in < 0) return;
    float* dst = image + in;
    const float* src = patches + patch;
    for (int64_t c = 0; c < group_channels; ++c) dst[c] += src[c];
  });
}

}  // namespace octet
