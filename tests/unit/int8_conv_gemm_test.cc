// The fast int8 convolution (conv2d_gemm.h) against the reference (conv2d.h):
// identical int8 outputs on seeded random shapes, groups, strides, dilations,
// padding, batches, patches deeper than one exact float slice, and extreme
// codes that push every product to its largest magnitude.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "runtime/int8/conv2d_gemm.h"

namespace octet::int8 {
namespace {

struct Case {
  Nhwc input;
  int out_c, groups, filter_h, filter_w, stride, dilation, pad;
  bool extreme;  // inputs near -128 at zero point 127, filters near 127: sums far past 2^24
};

void expect_same_as_reference(const Case& c, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> code(-128, 127);
  Window2D w;
  w.filter_h = c.filter_h;
  w.filter_w = c.filter_w;
  w.stride_h = w.stride_w = c.stride;
  w.dilation_h = w.dilation_w = c.dilation;
  w.pad_top = w.pad_left = c.pad;
  auto out_extent = [&](int in, int k) { return (in + 2 * c.pad - c.dilation * (k - 1) - 1) / c.stride + 1; };
  const Nhwc out{c.input.n, out_extent(c.input.h, c.filter_h), out_extent(c.input.w, c.filter_w), c.out_c};
  std::vector<int8_t> input(c.input.size()), filter(int64_t{c.out_c} * c.filter_h * c.filter_w * (c.input.c / c.groups));
  std::uniform_int_distribution<int> low(-128, -120), high(120, 127);
  for (int8_t& v : input) v = static_cast<int8_t>(c.extreme ? low(rng) : code(rng));
  for (int8_t& v : filter) v = static_cast<int8_t>(c.extreme ? high(rng) : code(rng));
  std::vector<int32_t> bias(c.out_c);
  for (int32_t& b : bias) b = code(rng) * 1000;
  std::vector<float> scales(c.out_c);
  for (float& s : scales) s = 0.001f + 0.0001f * static_cast<float>(code(rng) + 128);
  const Conv2DParams p = prepare_conv2d(c.input, out, w, c.groups, {0.02f, c.extreme ? 127 : 3}, scales,
                                        {c.extreme ? 0.0004f : 0.5f, -7}, Activation::None);
  const std::vector<int32_t> sums = conv2d_gemm_accumulators(p, input.data(), filter.data());
  for (int b = 0; b < out.n; ++b)
    for (int y = 0; y < out.h; ++y)
      for (int x = 0; x < out.w; ++x)
        for (int o = 0; o < out.c; ++o)
          ASSERT_EQ(sums[out.offset(b, y, x, o)],
                    conv2d_accumulate(p, input.data(), filter.data(), b, y * c.stride - c.pad, x * c.stride - c.pad, o));
  std::vector<int8_t> want(out.size()), got(out.size());
  conv2d(p, input.data(), filter.data(), bias.data(), want.data());
  conv2d_gemm(p, input.data(), filter.data(), bias.data(), got.data());
  ASSERT_EQ(want, got);
}

TEST(Int8ConvGemm, MatchesTheReferenceBitForBit) {
  const Case cases[] = {
      {{1, 7, 9, 3}, 8, 1, 3, 3, 1, 1, 1, false},     // plain 3x3, same padding
      {{2, 8, 8, 16}, 12, 1, 3, 3, 2, 1, 1, false},   // batch 2, stride 2
      {{1, 9, 9, 8}, 6, 2, 3, 3, 1, 2, 2, false},     // groups and dilation
      {{1, 5, 5, 64}, 10, 1, 3, 3, 1, 1, 0, false},   // patch 576 > one exact slice
      {{1, 3, 3, 1100}, 4, 1, 1, 1, 1, 1, 0, false},  // 1x1, three slices
      {{1, 6, 6, 8}, 8, 8, 3, 3, 1, 1, 1, false},     // depthwise as groups
      {{1, 4, 4, 600}, 3, 1, 1, 1, 1, 1, 0, true},    // largest products, deep patch
  };
  uint32_t seed = 1;
  for (const Case& c : cases) expect_same_as_reference(c, seed++);
}

}  // namespace
}  // namespace octet::int8
