// int8 CONV_2D and DEPTHWISE_CONV_2D on small shapes with hand-derived
// outputs (derivation beside each case), plus a check that TFLite's
// depthwise layout and the IR's grouped-conv layout give the same integers.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "graph/error.h"
#include "runtime/int8/conv2d.h"
#include "runtime/int8/depthwise_conv2d.h"

namespace octet::int8 {
namespace {

TEST(Int8Conv2D, PaddingStrideBiasPerChannelScalesAndRelu) {
  // Input 3x3, zero point 1: codes 1..9 stand for x = 0..8 (row-major).
  const std::vector<int8_t> input = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  // Two 2x2 filters (OHWI): f0 = [[1, 2], [3, 4]], f1 = [[-1, 0], [0, 1]].
  const std::vector<int8_t> filter = {1, 2, 3, 4, -1, 0, 0, 1};
  const std::vector<int32_t> bias = {1, -3};
  Window2D window;
  window.filter_h = window.filter_w = 2;
  window.stride_h = window.stride_w = 2;
  window.pad_top = window.pad_left = 1;
  // Multipliers: 0.5 * 0.25 / 1 = 0.125 = {2^30, -2}; 0.5 * 1 / 1 = 0.5 = {2^30, 0}.
  const Conv2DParams p = prepare_conv2d({1, 3, 3, 1}, {1, 2, 2, 2}, window, 1, {0.5f, 1}, {0.25f, 1.f},
                                        {1.f, -5}, Activation::Relu);
  ASSERT_EQ(p.output_multipliers[0].shift, -2);
  ASSERT_EQ(p.activation.min, -5);  // relu: zero point + round(0 / 1)
  std::vector<int8_t> output(8);
  conv2d(p, input.data(), filter.data(), bias.data(), output.data());
  // Window origins (-1,-1), (-1,1), (1,-1), (1,1); x inside each window:
  //   (0,0): x00=0 under f[1][1]            f0: 4*0 = 0          f1: 1*0 = 0
  //   (0,1): x01=1, x02=2 under f[1][0..1]  f0: 3+8 = 11         f1: 0+2 = 2
  //   (1,0): x10=3, x20=6 under f[0..1][1]  f0: 6+24 = 30        f1: 0+6 = 6
  //   (1,1): 4,5,7,8 under the whole filter f0: 4+10+21+32 = 67  f1: -4+8 = 4
  // Plus bias: f0 1, 12, 31, 68;  f1 -3, -1, 3, 1.
  // f0 * 0.125: 1 -> 0.5 rounds up to 1 -> 1/4 -> 0;  12 -> 6 -> 1.5 -> 2;
  //   31 -> 15.5 -> 16 -> 4;  68 -> 34 -> 8.5 -> 9.   + zero point -5: -5, -3, -1, 4.
  // f1 * 0.5 (ties towards +inf): -1.5 -> -1;  -0.5 -> 0;  1.5 -> 2;  0.5 -> 1.
  //   -5: -6, -5, -3, -4;  relu lifts -6 to -5.
  EXPECT_EQ(output, (std::vector<int8_t>{-5, -5, -3, -5, -1, -3, 4, -4}));
}

TEST(Int8Conv2D, GroupsAndDilation) {
  // 3x3x2 input, zero point 0: channel 0 = y*3 + x, channel 1 = -(y*3 + x).
  std::vector<int8_t> input;
  for (int v = 0; v < 9; ++v) {
    input.push_back(static_cast<int8_t>(v));
    input.push_back(static_cast<int8_t>(-v));
  }
  // Groups 2: filter 0 sees channel 0, filter 1 channel 1. 2x2 filters
  // dilated by 2 touch the corners (0,0), (0,2), (2,0), (2,2).
  const std::vector<int8_t> filter = {1, 1, 1, 1, 1, -1, 2, 0};
  Window2D window;
  window.filter_h = window.filter_w = 2;
  window.dilation_h = window.dilation_w = 2;
  // Scale 1 everywhere: multiplier 1 = {2^30, 1}, exact.
  const Conv2DParams p =
      prepare_conv2d({1, 3, 3, 2}, {1, 1, 1, 2}, window, 2, {1.f, 0}, {1.f}, {1.f, 0}, Activation::None);
  std::vector<int8_t> output(2);
  conv2d(p, input.data(), filter.data(), nullptr, output.data());
  // f0: 0 + 2 + 6 + 8 = 16.  f1: 0*1 + (-2)*(-1) + (-6)*2 + (-8)*0 = -10.
  EXPECT_EQ(output, (std::vector<int8_t>{16, -10}));
}

TEST(Int8Conv2D, RejectsBadGroupsAndScaleCounts) {
  Window2D window;
  EXPECT_THROW(prepare_conv2d({1, 2, 2, 3}, {1, 2, 2, 4}, window, 2, {1.f, 0}, {1.f}, {1.f, 0}, Activation::None),
               Error);
  EXPECT_THROW(prepare_conv2d({1, 2, 2, 2}, {1, 2, 2, 4}, window, 1, {1.f, 0}, {1.f, 1.f}, {1.f, 0},
                              Activation::None),
               Error);
}

TEST(Int8DepthwiseConv2D, DepthMultiplierTwoPerChannelScalesRelu6) {
  // 2x2x2 input, zero point -2: channel 0 codes [[1,2],[3,4]] (x 3,4,5,6),
  // channel 1 codes [[-1,-2],[-3,-4]] (x 1,0,-1,-2).
  const std::vector<int8_t> input = {1, -1, 2, -2, 3, -3, 4, -4};
  // Filter [1, 2, 2, 4]; output channel 2*c + m reads input channel c:
  //   oc0 [[1,0],[0,1]]  oc1 [[1,1],[1,1]]  oc2 [[2,0],[0,0]]  oc3 [[0,0],[0,-3]]
  const std::vector<int8_t> filter = {1, 1, 2, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 1, 0, -3};
  const std::vector<int32_t> bias = {0, 0, 1, -1};
  Window2D window;
  window.filter_h = window.filter_w = 2;
  // Multipliers 1 * [1, 0.5, 1, 0.25] / 2 = 0.5, 0.25, 0.5, 0.125.
  const DepthwiseConv2DParams p = prepare_depthwise_conv2d({1, 2, 2, 2}, {1, 1, 1, 4}, window, {1.f, -2},
                                                           {1.f, 0.5f, 1.f, 0.25f}, {2.f, 3}, Activation::Relu6);
  ASSERT_EQ(p.activation.min, 3);  // 3 + round(0 / 2)
  ASSERT_EQ(p.activation.max, 6);  // 3 + round(6 / 2)
  std::vector<int8_t> output(4);
  depthwise_conv2d(p, input.data(), filter.data(), bias.data(), output.data());
  // acc + bias: oc0 3 + 6 = 9;  oc1 3+4+5+6 = 18;  oc2 2*1 + 1 = 3;  oc3 -3*-2 - 1 = 5.
  // oc0 9 * 0.5 = 4.5 -> 5;  oc1 18 * 0.5 = 9, / 2 = 4.5 -> 5;  oc2 1.5 -> 2;
  // oc3 5 * 0.5 = 2.5 -> 3, / 4 = 0.75 -> 1.  + 3: 8, 8, 5, 4;  relu6 caps at 6.
  EXPECT_EQ(output, (std::vector<int8_t>{6, 6, 5, 4}));
}

TEST(Int8DepthwiseConv2D, SameIntegersAsGroupedConvInIrLayout) {
  // Depthwise [1, KH, KW, C*M] vs Conv2D groups = C with W [C*M, KH, KW, 1].
  const int c = 3, m = 2, kh = 3, kw = 2;
  const Nhwc in{2, 6, 5, c}, out{2, 3, 3, c * m};
  Window2D window;
  window.filter_h = kh;
  window.filter_w = kw;
  window.stride_h = 2;
  window.dilation_w = 2;
  window.pad_top = 1;
  window.pad_left = 1;
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> code(-128, 127);
  std::vector<int8_t> input(in.size()), depthwise_filter(kh * kw * c * m), conv_filter(depthwise_filter.size());
  for (auto& v : input) v = static_cast<int8_t>(code(rng));
  for (auto& v : depthwise_filter) v = static_cast<int8_t>(code(rng));
  for (int oc = 0; oc < c * m; ++oc)
    for (int k = 0; k < kh * kw; ++k) conv_filter[oc * kh * kw + k] = depthwise_filter[k * c * m + oc];
  std::vector<int32_t> bias(c * m);
  for (auto& v : bias) v = code(rng) * 50;
  const std::vector<float> scales = {0.01f, 0.02f, 0.005f, 0.03f, 0.011f, 0.007f};
  const Affine in_q{0.05f, 7}, out_q{0.2f, -9};
  const auto dw = prepare_depthwise_conv2d(in, out, window, in_q, scales, out_q, Activation::None);
  const auto conv = prepare_conv2d(in, out, window, c, in_q, scales, out_q, Activation::None);
  std::vector<int8_t> y_dw(out.size()), y_conv(out.size());
  depthwise_conv2d(dw, input.data(), depthwise_filter.data(), bias.data(), y_dw.data());
  conv2d(conv, input.data(), conv_filter.data(), bias.data(), y_conv.data());
  EXPECT_EQ(y_dw, y_conv);
}

}  // namespace
}  // namespace octet::int8
