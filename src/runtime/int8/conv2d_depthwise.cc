#include "runtime/int8/conv2d_depthwise.h"

#include <algorithm>
#include <vector>

#include "runtime/int8/centered.h"
#include "runtime/int8/conv2d_depthwise_avx2.h"
#include "runtime/int8/kernel_choice.h"
#include "runtime/int8/requantize.h"

namespace octet::int8 {
namespace {

int round_up(int n, int multiple) { return (n + multiple - 1) / multiple * multiple; }

// The bordered image's extent along one axis: the leading padding and the
// input, or more when the last output's window reaches further (bottom /
// right padding).
int bordered_extent(int in, int pad, int out, int stride, int filter, int dilation) {
  return std::max(pad + in, (out - 1) * stride + (filter - 1) * dilation + 1);
}

// The centered, zero-bordered int16 image of one batch entry described in
// the header, [height][width][lanes].
struct BorderedImage {
  int height, width, lanes;
  std::vector<int16_t> values;

  int16_t* at(int y, int x) { return values.data() + (int64_t{y} * width + x) * lanes; }
  const int16_t* at(int y, int x) const { return values.data() + (int64_t{y} * width + x) * lanes; }
};

void fill_bordered(const Conv2DParams& p, const int8_t* image, BorderedImage& out) {
  const int multiplier = p.output.c / p.input.c, top = p.window.pad_top, left = p.window.pad_left;
  const int32_t offset = p.input_offset;
  const auto centered = [offset](int8_t v) { return static_cast<int16_t>(v + offset); };
  const int64_t row_size = int64_t{out.width} * out.lanes;
  // Zeros above and below the input rows, then left and right of each.
  std::fill(out.at(0, 0), out.at(top, 0), int16_t{0});
  std::fill(out.at(top + p.input.h, 0), out.at(0, 0) + out.height * row_size, int16_t{0});
  for (int y = 0; y < p.input.h; ++y) {
    const int8_t* row = image + int64_t{y} * p.input.w * p.input.c;
    int16_t* dst = out.at(y + top, left);
    std::fill(out.at(y + top, 0), dst, int16_t{0});
    std::fill(out.at(y + top, left + p.input.w), out.at(y + top, 0) + row_size, int16_t{0});
    if (multiplier == 1 && out.lanes == p.input.c) {
      center_codes(row, int64_t{p.input.w} * p.input.c, offset, dst);
      continue;
    }
    for (int x = 0; x < p.input.w; ++x, dst += out.lanes) {
      const int8_t* in = row + int64_t{x} * p.input.c;
      if (multiplier == 1) {
        center_codes(in, p.input.c, offset, dst);
      } else {
        for (int c = 0; c < p.input.c; ++c) std::fill_n(dst + c * multiplier, multiplier, centered(in[c]));
      }
      std::fill(dst + p.output.c, dst + out.lanes, int16_t{0});  // the channels' padding
    }
  }
}

// sums[c] = sum over the window's taps of filter[c] * pixel[c], for one block
// of channels of two output pixels whose windows start at origin0 and
// origin1 (the two share each weight load). Weights are tap-major,
// [tap][lanes].
void accumulate_block_pair(const BorderedImage& image, const int16_t* origin0, const int16_t* origin1,
                           const int16_t* weights, const Window2D& w, int32_t* sums0, int32_t* sums1) {
  int32_t acc0[kDepthwiseLanes] = {}, acc1[kDepthwiseLanes] = {};
  for (int ky = 0; ky < w.filter_h; ++ky) {
    for (int kx = 0; kx < w.filter_w; ++kx) {
      const int64_t offset = (int64_t{ky} * w.dilation_h * image.width + kx * w.dilation_w) * image.lanes;
      const int16_t* x0 = origin0 + offset;
      const int16_t* x1 = origin1 + offset;
      const int16_t* f = weights + (ky * w.filter_w + kx) * image.lanes;
      for (int c = 0; c < kDepthwiseLanes; ++c) {
        acc0[c] += static_cast<int16_t>(f[c] * x0[c]);
        acc1[c] += static_cast<int16_t>(f[c] * x1[c]);
      }
    }
  }
  std::copy_n(acc0, kDepthwiseLanes, sums0);
  std::copy_n(acc1, kDepthwiseLanes, sums1);
}

// The portable accumulation and output stage of one output row.
void portable_row(const Conv2DParams& p, const BorderedImage& image, const int16_t* weights, int oy,
                  const Requantization& q, const int32_t* bias, int32_t* sums, int8_t* output) {
  const Window2D& w = p.window;
  // Pixels in pairs; an odd last one is paired with itself.
  for (int ox = 0; ox < p.output.w; ox += 2) {
    const int ox1 = std::min(ox + 1, p.output.w - 1);
    const int16_t* origin0 = image.at(oy * w.stride_h, ox * w.stride_w);
    const int16_t* origin1 = image.at(oy * w.stride_h, ox1 * w.stride_w);
    for (int block = 0; block < image.lanes; block += kDepthwiseLanes)
      accumulate_block_pair(image, origin0 + block, origin1 + block, weights + block, w, sums + block,
                            sums + image.lanes + block);
    requantize_channels(q, sums, bias, output + int64_t{ox} * p.output.c);
    if (ox1 != ox) requantize_channels(q, sums + image.lanes, bias, output + int64_t{ox1} * p.output.c);
  }
}

// The offsets of the window's taps from its origin in the image, in int16
// elements, with an even count for the AVX2 code's tap pairs (an odd last
// tap is paired with the first tap's offset and zero weights).
std::vector<int64_t> tap_offsets(const Window2D& w, const BorderedImage& image) {
  std::vector<int64_t> offsets;
  for (int ky = 0; ky < w.filter_h; ++ky)
    for (int kx = 0; kx < w.filter_w; ++kx)
      offsets.push_back((int64_t{ky} * w.dilation_h * image.width + int64_t{kx} * w.dilation_w) * image.lanes);
  if (offsets.size() % 2 == 1) offsets.push_back(0);
  return offsets;
}

}  // namespace

void conv2d_depthwise(const Conv2DParams& p, const int8_t* input, const int8_t* filter, const int32_t* bias,
                      int8_t* output) {
  const Window2D& w = p.window;
  const int channels = p.output.c, taps = w.filter_h * w.filter_w;
  // Reused across runs: no allocation once the largest layer has been seen.
  thread_local BorderedImage image;
  thread_local std::vector<int16_t> weights;
  thread_local std::vector<int32_t> sums;
  image.height = bordered_extent(p.input.h, w.pad_top, p.output.h, w.stride_h, w.filter_h, w.dilation_h);
  image.width = bordered_extent(p.input.w, w.pad_left, p.output.w, w.stride_w, w.filter_w, w.dilation_w);
  image.lanes = round_up(channels, kDepthwiseLanes);
  image.values.resize(int64_t{image.height} * image.width * image.lanes);
  weights.assign(int64_t{taps} * image.lanes, 0);
  for (int o = 0; o < channels; ++o)
    for (int t = 0; t < taps; ++t) weights[int64_t{t} * image.lanes + o] = filter[int64_t{o} * taps + t];
  const Requantization q = prepare_requantization(p.output_multipliers, p.output_offset, p.activation);
  const bool avx2 = avx2_kernels();
  const std::vector<int64_t> offsets = avx2 ? tap_offsets(w, image) : std::vector<int64_t>{};
  const std::vector<int16_t> paired = avx2 ? pair_depthwise_taps_avx2(weights.data(), taps, image.lanes)
                                           : std::vector<int16_t>{};
  sums.resize(int64_t{avx2 ? p.output.w : 2} * image.lanes);  // a row of pixels, or a pair

  for (int b = 0; b < p.input.n; ++b) {
    fill_bordered(p, input + p.input.offset(b, 0, 0, 0), image);
    for (int oy = 0; oy < p.output.h; ++oy) {
      int8_t* row = output + p.output.offset(b, oy, 0, 0);
      if (!avx2) {
        portable_row(p, image, weights.data(), oy, q, bias, sums.data(), row);
        continue;
      }
      depthwise_row_avx2(image.at(oy * w.stride_h, 0), int64_t{w.stride_w} * image.lanes, p.output.w,
                         offsets.data(), static_cast<int>(offsets.size() / 2), paired.data(), image.lanes,
                         sums.data());
      requantize_rows(q, sums.data(), image.lanes, p.output.w, bias, row, p.output.c);
    }
  }
}

}  // namespace octet::int8
