#include "runtime/int8/conv2d_gemm.h"

#include <algorithm>
#include <vector>

#include "runtime/gemm.h"
#include "runtime/int8/conv_output_loop.h"

namespace octet::int8 {

std::vector<int32_t> conv2d_gemm_accumulators(const Conv2DParams& p, const int8_t* input, const int8_t* filter) {
  const Window2D& w = p.window;
  const int64_t group_in = p.input.c / p.groups, group_out = p.output.c / p.groups;
  const int64_t patch = int64_t{w.filter_h} * w.filter_w * group_in, pixels = int64_t{p.output.h} * p.output.w;
  const ConvWindow cw{p.input.h, p.input.w, p.input.c, p.output.h, p.output.w, w.filter_h, w.filter_w,
                      w.stride_h, w.stride_w, w.dilation_h, w.dilation_w, w.pad_top, w.pad_left};

  std::vector<float> centered(p.input.size()), weights(int64_t{p.output.c} * patch);
  for (int64_t i = 0; i < p.input.size(); ++i) centered[i] = static_cast<float>(input[i] + p.input_offset);
  for (size_t i = 0; i < weights.size(); ++i) weights[i] = static_cast<float>(filter[i]);

  const int64_t tile = patch_tile_rows(pixels, patch);
  std::vector<float> patches(tile * patch), slice(tile * group_out);
  std::vector<int32_t> acc(p.output.size(), 0);
  for (int b = 0; b < p.input.n; ++b) {
    const float* image = centered.data() + int64_t{b} * p.input.h * p.input.w * p.input.c;
    int32_t* image_acc = acc.data() + int64_t{b} * pixels * p.output.c;
    for (int64_t g = 0; g < p.groups; ++g) {
      for (int64_t first = 0; first < pixels; first += tile) {
        const int64_t rows = std::min(tile, pixels - first);
        im2col(image, cw, g * group_in, group_in, first, rows, patches.data());
        for (int64_t k = 0; k < patch; k += kExactDepth) {
          const int64_t depth = std::min(kExactDepth, patch - k);
          std::fill(slice.begin(), slice.begin() + rows * group_out, 0.0f);
          gemm_accumulate_abt({patches.data() + k, rows, depth, patch},
                              {weights.data() + g * group_out * patch + k, group_out, depth, patch},
                              {slice.data(), rows, group_out, group_out});
          for (int64_t r = 0; r < rows; ++r) {
            int32_t* out = image_acc + (first + r) * p.output.c + g * group_out;
            const float* s = slice.data() + r * group_out;
            for (int64_t o = 0; o < group_out; ++o) out[o] += static_cast<int32_t>(s[o]);
          }
        }
      }
    }
  }
  return acc;
}

void conv2d_gemm(const Conv2DParams& p, const int8_t* input, const int8_t* filter, const int32_t* bias,
                 int8_t* output) {
  const std::vector<int32_t> acc = conv2d_gemm_accumulators(p, input, filter);
  const Window2D& w = p.window;
  conv_output_loop(p, bias, output, [&](int b, int in_y0, int in_x0, int oc) {
    const int64_t oy = (in_y0 + w.pad_top) / w.stride_h, ox = (in_x0 + w.pad_left) / w.stride_w;
    return acc[p.output.offset(b, static_cast<int>(oy), static_cast<int>(ox), oc)];
  });
}

}  // namespace octet::int8
