#include "io/pil_resize.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "graph/error.h"

namespace octet {
namespace {

// Weights are fixed point with this many fraction bits: 8 bits of pixel, 22 of
// weight and 2 of headroom fill a signed 32-bit accumulator, as in Pillow.
// (Bilinear weights are never negative, so 255 * 2^22 plus rounding is the
// largest sum: it fits.)
constexpr int kWeightBits = 22;

// For each output index along one axis: the first input index it reads, how
// many inputs it reads, and their fixed-point weights.
struct AxisTaps {
  int stride = 0;  // weights per output (the longest filter)
  std::vector<int> first;
  std::vector<int> count;
  std::vector<int32_t> weights;  // stride per output
};

double triangle(double x) {
  x = std::fabs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}

// The filter for one axis, in Pillow's arithmetic (the double-precision steps
// and the truncating int casts are part of the contract: they decide which
// input pixels sit at the edge of each window).
AxisTaps axis_taps(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  // Downscaling widens the triangle to cover every input pixel; upscaling
  // keeps it one input pixel wide.
  const double widen = std::max(scale, 1.0);
  const double radius = widen;  // the triangle's radius (1) times widen
  const double inverse_widen = 1.0 / widen;

  AxisTaps taps;
  taps.stride = static_cast<int>(std::ceil(radius)) * 2 + 1;
  taps.first.resize(out_size);
  taps.count.resize(out_size);
  taps.weights.assign(static_cast<size_t>(out_size) * taps.stride, 0);
  std::vector<double> raw(taps.stride);
  for (int o = 0; o < out_size; ++o) {
    const double center = (o + 0.5) * scale;  // in input pixel units
    const int lo = std::max(static_cast<int>(center - radius + 0.5), 0);
    const int hi = std::min(static_cast<int>(center + radius + 0.5), in_size);
    const int n = hi - lo;
    double total = 0.0;
    for (int i = 0; i < n; ++i) {
      // Distance from the output's center to input pixel lo + i's center.
      raw[i] = triangle((lo + i - center + 0.5) * inverse_widen);
      total += raw[i];
    }
    int32_t* w = &taps.weights[static_cast<size_t>(o) * taps.stride];
    for (int i = 0; i < n; ++i) {
      double normalized = total != 0.0 ? raw[i] / total : raw[i];
      // Rounds half away from zero, as Pillow does.
      double scaled = normalized * (1 << kWeightBits);
      w[i] = static_cast<int32_t>(scaled < 0 ? scaled - 0.5 : scaled + 0.5);
    }
    taps.first[o] = lo;
    taps.count[o] = n;
  }
  return taps;
}

// A weighted sum back to 8 bits: round half up, then clamp.
uint8_t to_pixel(int32_t sum) {
  int32_t value = sum >> kWeightBits;
  return static_cast<uint8_t>(std::clamp(value, 0, 255));
}

constexpr int32_t kHalf = 1 << (kWeightBits - 1);

Image resize_rows(const Image& in, int out_width) {
  const AxisTaps taps = axis_taps(in.width, out_width);
  const int c = in.channels;
  Image out(in.height, out_width, c);
  for (int y = 0; y < in.height; ++y) {
    const uint8_t* row = &in.pixels[static_cast<size_t>(y) * in.width * c];
    for (int x = 0; x < out_width; ++x) {
      const int32_t* w = &taps.weights[static_cast<size_t>(x) * taps.stride];
      const uint8_t* src = row + static_cast<size_t>(taps.first[x]) * c;
      for (int ch = 0; ch < c; ++ch) {
        int32_t sum = kHalf;
        for (int i = 0; i < taps.count[x]; ++i) sum += src[i * c + ch] * w[i];
        out.at(y, x, ch) = to_pixel(sum);
      }
    }
  }
  return out;
}

Image resize_columns(const Image& in, int out_height) {
  const AxisTaps taps = axis_taps(in.height, out_height);
  const size_t row_size = static_cast<size_t>(in.width) * in.channels;
  Image out(out_height, in.width, in.channels);
  std::vector<int32_t> sums(row_size);
  for (int y = 0; y < out_height; ++y) {
    const int32_t* w = &taps.weights[static_cast<size_t>(y) * taps.stride];
    std::fill(sums.begin(), sums.end(), kHalf);
    for (int i = 0; i < taps.count[y]; ++i) {
      const uint8_t* src = &in.pixels[(taps.first[y] + i) * row_size];
      for (size_t j = 0; j < row_size; ++j) sums[j] += src[j] * w[i];
    }
    uint8_t* dst = &out.pixels[y * row_size];
    for (size_t j = 0; j < row_size; ++j) dst[j] = to_pixel(sums[j]);
  }
  return out;
}

}  // namespace

Image resize_bilinear_pil(Image image, int out_height, int out_width) {
  if (out_height <= 0 || out_width <= 0 || image.height <= 0 || image.width <= 0)
    fail(ErrorKind::BadInput, "cannot resize a " + std::to_string(image.height) + "x" +
                                  std::to_string(image.width) + " image to " +
                                  std::to_string(out_height) + "x" + std::to_string(out_width));
  // Pillow skips a pass whose size does not change; horizontal comes first,
  // and its 8-bit rounding feeds the vertical pass.
  if (out_width != image.width) image = resize_rows(image, out_width);
  if (out_height == image.height) return image;
  return resize_columns(image, out_height);
}

}  // namespace octet
