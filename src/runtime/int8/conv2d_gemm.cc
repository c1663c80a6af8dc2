#include "runtime/int8/conv2d_gemm.h"

#include <algorithm>
#include <vector>

#include "runtime/int8/centered.h"
#include "runtime/int8/gemm_int16.h"
#include "runtime/int8/requantize.h"

namespace octet::int8 {
namespace {

// A buffer of at least n elements, kept per thread across runs: no
// allocation once the largest layer has been seen.
template <typename T>
T* scratch(std::vector<T>& buffer, int64_t n) {
  if (static_cast<int64_t>(buffer.size()) < n) buffer.resize(n);
  return buffer.data();
}

// Elements of a tile's patches: small enough to stay in cache.
constexpr int64_t kTileElements = int64_t{1} << 16;

// The centered receptive fields of output pixels [first, first + rows) of
// one image for input channels [channel_begin, channel_begin + channels),
// one row of `depth` values per pixel laid out [ky][kx][c] (the OHWI weight
// order) and padded with zeros.
void gather_patches(const Conv2DParams& p, const int8_t* image, int channel_begin, int channels, int64_t first,
                    int64_t rows, int64_t depth, int16_t* patches) {
  const Window2D& w = p.window;
  const bool pointwise = w.filter_h == 1 && w.filter_w == 1 && w.stride_h == 1 && w.stride_w == 1 &&
                         w.pad_top == 0 && w.pad_left == 0 && p.output.w == p.input.w;
  if (pointwise && channels == p.input.c && depth == channels) {
    // The patches are the input rows themselves, one contiguous run.
    return center_codes(image + first * channels, rows * channels, p.input_offset, patches);
  }
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t pixel = first + r;
    const int oy = static_cast<int>(pixel / p.output.w), ox = static_cast<int>(pixel % p.output.w);
    int16_t* out = patches + r * depth;
    for (int ky = 0; ky < w.filter_h; ++ky) {
      const int in_y = oy * w.stride_h - w.pad_top + ky * w.dilation_h;
      for (int kx = 0; kx < w.filter_w; ++kx, out += channels) {
        const int in_x = ox * w.stride_w - w.pad_left + kx * w.dilation_w;
        if (in_y < 0 || in_y >= p.input.h || in_x < 0 || in_x >= p.input.w) {
          std::fill_n(out, channels, int16_t{0});
        } else {
          center_codes(image + (int64_t{in_y} * p.input.w + in_x) * p.input.c + channel_begin, channels,
                       p.input_offset, out);
        }
      }
    }
    std::fill(out, patches + (r + 1) * depth, int16_t{0});
  }
}

// Calls on_tile(group, weights, patches, rows, offset) for consecutive
// tiles of output pixels and each group: `patches` holds the receptive
// fields of `rows` pixels for the group's weights, and `offset` is the
// element of the output ([batch][oy][ox][oc]) where the tile's first pixel's
// first channel of the group goes.
template <typename OnTile>
void for_each_tile(const Conv2DParams& p, const int8_t* input, const int8_t* filter, OnTile on_tile) {
  const Window2D& w = p.window;
  const int group_in = p.input.c / p.groups, group_out = p.output.c / p.groups;
  const int64_t patch = int64_t{w.filter_h} * w.filter_w * group_in;
  thread_local std::vector<GemmWeights> weights;  // one per group
  if (static_cast<int>(weights.size()) < p.groups) weights.resize(p.groups);
  for (int g = 0; g < p.groups; ++g) weights[g].pack(filter + int64_t{g} * group_out * patch, group_out, patch);

  const int64_t depth = weights[0].depth(), pixels = int64_t{p.output.h} * p.output.w;
  const int64_t tile = std::clamp<int64_t>(kTileElements / depth, 1, pixels);
  thread_local std::vector<int16_t> patches_buffer;
  int16_t* patches = scratch(patches_buffer, tile * depth);
  for (int b = 0; b < p.input.n; ++b) {
    const int8_t* image = input + p.input.offset(b, 0, 0, 0);
    for (int64_t first = 0; first < pixels; first += tile) {
      const int64_t rows = std::min(tile, pixels - first);
      for (int g = 0; g < p.groups; ++g) {
        gather_patches(p, image, g * group_in, group_in, first, rows, depth, patches);
        on_tile(g, weights[g], static_cast<const int16_t*>(patches), rows,
                (b * pixels + first) * p.output.c + g * group_out);
      }
    }
  }
}

}  // namespace

std::vector<int32_t> conv2d_gemm_accumulators(const Conv2DParams& p, const int8_t* input, const int8_t* filter) {
  std::vector<int32_t> acc(p.output.size());
  for_each_tile(p, input, filter,
                [&](int, const GemmWeights& weights, const int16_t* patches, int64_t rows, int64_t offset) {
                  weights.multiply(patches, rows, acc.data() + offset, p.output.c);
                });
  return acc;
}

void conv2d_gemm(const Conv2DParams& p, const int8_t* input, const int8_t* filter, const int32_t* bias,
                 int8_t* output) {
  // One output stage per group, over the group's channels.
  const int group_out = p.output.c / p.groups;
  std::vector<Requantization> stages;
  for (int g = 0; g < p.groups; ++g) {
    const auto first = p.output_multipliers.begin() + int64_t{g} * group_out;
    stages.push_back(prepare_requantization({first, first + group_out}, p.output_offset, p.activation));
  }
  for_each_tile(p, input, filter,
                [&](int g, const GemmWeights& weights, const int16_t* patches, int64_t rows, int64_t offset) {
                  weights.multiply_requantize(patches, rows, stages[g], bias ? bias + g * group_out : nullptr,
                                              output + offset, p.output.c);
                });
}

}  // namespace octet::int8
