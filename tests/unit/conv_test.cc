// Conv2D and ConvTranspose2D: the kernels against naive loops written from the
// definitions, and the TFLite mappings against hand-derived outputs.
#include <gtest/gtest.h>

#include <random>

#include "ops/conv_window.h"
#include "single_op_harness.h"

namespace octet {
namespace {

using testing::Input;
using testing::Result;

struct ConvCase {
  int64_t n, h, w, c, o, kh, kw;
  int64_t sh, sw, dh, dw;
  std::vector<int64_t> pads;  // top, left, bottom, right
  int64_t group;
  std::vector<int64_t> output_padding = {0, 0};  // ConvTranspose2D only
  bool has_bias = true;
};

void PrintTo(const ConvCase& k, std::ostream* os) {
  *os << "x [" << k.n << "," << k.h << "," << k.w << "," << k.c << "] w [" << k.o << "," << k.kh << "," << k.kw
      << "] stride " << k.sh << "x" << k.sw << " dilation " << k.dh << "x" << k.dw << " group " << k.group;
}

std::vector<float> random_values(int64_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(count);
  for (float& x : v) x = dist(rng);
  return v;
}

Attributes window_attrs(const ConvCase& k) {
  Attributes a;
  a.set("strides", std::vector<int64_t>{k.sh, k.sw});
  a.set("dilations", std::vector<int64_t>{k.dh, k.dw});
  a.set("pads", k.pads);
  a.set("group", k.group);
  return a;
}

// out[n,oy,ox,o] = bias[o] + sum x[n, oy*s - pad + ky*d, ox*s - pad + kx*d, g*Cg + ci] * w[o,ky,kx,ci]
std::vector<float> naive_conv(const ConvCase& k, const std::vector<float>& x, const std::vector<float>& w,
                              const std::vector<float>& bias, int64_t oh, int64_t ow) {
  const int64_t cg = k.c / k.group, og = k.o / k.group;
  std::vector<float> y(k.n * oh * ow * k.o);
  for (int64_t n = 0; n < k.n; ++n)
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox)
        for (int64_t o = 0; o < k.o; ++o) {
          double acc = bias[o];
          for (int64_t ky = 0; ky < k.kh; ++ky)
            for (int64_t kx = 0; kx < k.kw; ++kx)
              for (int64_t ci = 0; ci < cg; ++ci) {
                int64_t iy = oy * k.sh - k.pads[0] + ky * k.dh, ix = ox * k.sw - k.pads[1] + kx * k.dw;
                if (iy < 0 || iy >= k.h || ix < 0 || ix >= k.w) continue;
                acc += x[((n * k.h + iy) * k.w + ix) * k.c + (o / og) * cg + ci] *
                       w[((o * k.kh + ky) * k.kw + kx) * cg + ci];
              }
          y[((n * oh + oy) * ow + ox) * k.o + o] = static_cast<float>(acc);
        }
  return y;
}

// Each input pixel adds x * w onto output pixel (iy*s - pad + ky*d, ...).
std::vector<float> naive_conv_transpose(const ConvCase& k, const std::vector<float>& x, const std::vector<float>& w,
                                        const std::vector<float>& bias, int64_t oh, int64_t ow) {
  const int64_t cg = k.c / k.group, og = k.o / k.group;
  std::vector<double> y(k.n * oh * ow * k.o);
  for (int64_t i = 0; i < static_cast<int64_t>(y.size()); ++i) y[i] = bias[i % k.o];
  for (int64_t n = 0; n < k.n; ++n)
    for (int64_t iy = 0; iy < k.h; ++iy)
      for (int64_t ix = 0; ix < k.w; ++ix)
        for (int64_t o = 0; o < k.o; ++o)
          for (int64_t ky = 0; ky < k.kh; ++ky)
            for (int64_t kx = 0; kx < k.kw; ++kx) {
              int64_t oy = iy * k.sh - k.pads[0] + ky * k.dh, ox = ix * k.sw - k.pads[1] + kx * k.dw;
              if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
              for (int64_t ci = 0; ci < cg; ++ci)
                y[((n * oh + oy) * ow + ox) * k.o + o] += x[((n * k.h + iy) * k.w + ix) * k.c + (o / og) * cg + ci] *
                                                          w[((o * k.kh + ky) * k.kw + kx) * cg + ci];
            }
  return std::vector<float>(y.begin(), y.end());
}

void expect_near_all(const std::vector<float>& want, const std::vector<float>& got) {
  ASSERT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size(); ++i) ASSERT_NEAR(want[i], got[i], 1e-4 + 1e-4 * std::fabs(want[i])) << i;
}

class Conv2DKernel : public ::testing::TestWithParam<ConvCase> {};

TEST_P(Conv2DKernel, MatchesNaiveLoops) {
  const ConvCase k = GetParam();
  const int64_t oh = (k.h + k.pads[0] + k.pads[2] - (k.kh - 1) * k.dh - 1) / k.sh + 1;
  const int64_t ow = (k.w + k.pads[1] + k.pads[3] - (k.kw - 1) * k.dw - 1) / k.sw + 1;
  Input x{{k.n, k.h, k.w, k.c}, random_values(k.n * k.h * k.w * k.c, 1)};
  Input w{{k.o, k.kh, k.kw, k.c / k.group}, random_values(k.o * k.kh * k.kw * k.c / k.group, 2), true};
  Input bias{{k.o}, k.has_bias ? random_values(k.o, 3) : std::vector<float>(k.o), true};
  std::vector<Input> inputs{x, w};
  if (k.has_bias) inputs.push_back(bias);
  Result r = testing::run_op(OpKind::Conv2D, inputs, window_attrs(k));
  EXPECT_EQ(r.shape, (Shape{k.n, oh, ow, k.o}));
  expect_near_all(naive_conv(k, x.values, w.values, bias.values, oh, ow), r.values);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, Conv2DKernel,
    ::testing::Values(
        ConvCase{2, 7, 5, 8, 6, 1, 1, 1, 1, 1, 1, {0, 0, 0, 0}, 1, {0, 0}, false},  // pointwise: GEMM on the input
        ConvCase{1, 50, 50, 16, 8, 3, 3, 1, 1, 1, 1, {1, 1, 1, 1}, 1}, // several im2col tiles
        ConvCase{1, 9, 8, 3, 4, 3, 3, 2, 2, 1, 1, {0, 0, 1, 1}, 1},    // asymmetric (TFLite SAME) pads
        ConvCase{1, 9, 9, 2, 3, 3, 2, 1, 2, 2, 3, {2, 1, 0, 3}, 1},    // dilations, odd kernel
        ConvCase{1, 6, 6, 4, 5, 1, 1, 2, 2, 1, 1, {0, 0, 0, 0}, 1},    // strided 1x1 needs im2col
        ConvCase{2, 6, 5, 8, 6, 3, 3, 1, 1, 1, 1, {1, 1, 1, 1}, 2},    // grouped
        ConvCase{1, 5, 5, 8, 4, 1, 1, 1, 1, 1, 1, {0, 0, 0, 0}, 4},    // grouped pointwise
        ConvCase{2, 9, 8, 8, 8, 3, 3, 2, 2, 1, 1, {1, 1, 1, 1}, 8},    // depthwise
        ConvCase{1, 6, 7, 12, 12, 3, 3, 1, 2, 1, 1, {1, 0, 1, 2}, 12, {0, 0}, false},  // 8-channel block + rest
        ConvCase{1, 8, 8, 16, 16, 3, 3, 1, 1, 2, 2, {2, 2, 2, 2}, 16},  // depthwise, dilated
        ConvCase{1, 7, 7, 4, 12, 3, 3, 1, 1, 2, 2, {2, 2, 2, 2}, 4},   // depthwise, multiplier 3
        ConvCase{1, 4, 4, 1, 3, 2, 2, 1, 1, 1, 1, {0, 0, 0, 0}, 1}));  // one input channel

class ConvTranspose2DKernel : public ::testing::TestWithParam<ConvCase> {};

TEST_P(ConvTranspose2DKernel, MatchesNaiveLoops) {
  const ConvCase k = GetParam();
  const int64_t oh = k.sh * (k.h - 1) + k.output_padding[0] + (k.kh - 1) * k.dh + 1 - k.pads[0] - k.pads[2];
  const int64_t ow = k.sw * (k.w - 1) + k.output_padding[1] + (k.kw - 1) * k.dw + 1 - k.pads[1] - k.pads[3];
  Input x{{k.n, k.h, k.w, k.c}, random_values(k.n * k.h * k.w * k.c, 4)};
  Input w{{k.o, k.kh, k.kw, k.c / k.group}, random_values(k.o * k.kh * k.kw * k.c / k.group, 5), true};
  Input bias{{k.o}, random_values(k.o, 6), true};
  Attributes attrs = window_attrs(k);
  attrs.set("output_padding", k.output_padding);
  Result r = testing::run_op(OpKind::ConvTranspose2D, {x, w, bias}, attrs);
  EXPECT_EQ(r.shape, (Shape{k.n, oh, ow, k.o}));
  expect_near_all(naive_conv_transpose(k, x.values, w.values, bias.values, oh, ow), r.values);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, ConvTranspose2DKernel,
    ::testing::Values(ConvCase{1, 3, 3, 2, 3, 3, 3, 1, 1, 1, 1, {0, 0, 0, 0}, 1},
                      ConvCase{2, 4, 3, 3, 2, 3, 3, 2, 2, 1, 1, {1, 1, 1, 1}, 1, {1, 1}},
                      ConvCase{1, 3, 4, 2, 2, 3, 2, 3, 2, 2, 1, {1, 0, 2, 0}, 1, {0, 1}},
                      ConvCase{1, 4, 4, 4, 6, 2, 2, 2, 2, 1, 1, {0, 0, 0, 0}, 2},
                      ConvCase{1, 60, 60, 8, 16, 4, 4, 2, 2, 1, 1, {1, 1, 1, 1}, 1}));  // several tiles

TEST(Conv2D, AppliesFusedActivation) {
  // One pixel, 1x1 kernel: the products are -2, 3 and 8 before the clamp.
  Attributes attrs = window_attrs(ConvCase{1, 1, 1, 1, 3, 1, 1, 1, 1, 1, 1, {0, 0, 0, 0}, 1});
  attrs.set("activation", std::string("relu6"));
  Result r = testing::run_op(OpKind::Conv2D, {{{1, 1, 1, 1}, {2}}, {{3, 1, 1, 1}, {-1, 1.5f, 4}, true}}, attrs);
  EXPECT_EQ(r.values, (std::vector<float>{0, 3, 6}));
}

TEST(Conv2D, RejectsWeightsThatDoNotFitTheGroups) {
  Attributes attrs = window_attrs(ConvCase{1, 3, 3, 4, 2, 1, 1, 1, 1, 1, 1, {0, 0, 0, 0}, 2});
  try {
    testing::run_op(OpKind::Conv2D, {{{1, 3, 3, 4}, std::vector<float>(36)}, {{2, 1, 1, 4}, {1, 1, 1, 1, 1, 1, 1, 1}, true}},
                    attrs);
    FAIL() << "expected a shape error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadShape);
  }
}

TEST(ConvWindow, SamePadsPutTheOddPixelWhereAsked) {
  // in 6, kernel 3, stride 2: out 3, total padding (3-1)*2 + 3 - 6 = 1.
  EXPECT_EQ(same_pads(6, 3, 2, 1, true), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(same_pads(6, 3, 2, 1, false), (std::vector<int64_t>{1, 0}));
  // Dilation 2 makes the kernel span 5: total (6-1)*1 + 5 - 6 = 4.
  EXPECT_EQ(same_pads(6, 3, 1, 2, true), (std::vector<int64_t>{2, 2}));
  // A stride longer than the kernel needs no padding at all.
  EXPECT_EQ(same_pads(5, 1, 3, 1, true), (std::vector<int64_t>{0, 0}));
}

// --- TFLite mappings ------------------------------------------------------------

using tflite::BuiltinOperator_CONV_2D;

TEST(TfliteConv2D, SamePaddingWithOddTotalPadsBottomRight) {
  // 5x5 input 0..24, 2x2 ones filter, stride 2, SAME: out 3x3, total padding 1,
  // all of it after the input. Each output sums its in-bounds 2x2 window, plus
  // the bias 100.
  std::vector<float> x(25);
  for (int i = 0; i < 25; ++i) x[i] = static_cast<float>(i);
  auto options = [](flatbuffers::FlatBufferBuilder& fbb) {
    return tflite::CreateConv2DOptions(fbb, tflite::Padding_SAME, 2, 2).Union();
  };
  Result r = testing::run_tflite_op(BuiltinOperator_CONV_2D, tflite::BuiltinOptions_Conv2DOptions, options,
                                    {{{1, 5, 5, 1}, x}, {{1, 2, 2, 1}, {1, 1, 1, 1}, true}, {{1}, {100}, true}});
  EXPECT_EQ(r.shape, (Shape{1, 3, 3, 1}));
  EXPECT_EQ(r.values, (std::vector<float>{112, 120, 113, 152, 160, 133, 141, 145, 124}));
}

TEST(TfliteConv2D, ValidPaddingAndFusedRelu) {
  // 1x3 input [1,-5,7], 1x2 filter [1,1], no bias: sums -4 and 2, clamped at 0.
  auto options = [](flatbuffers::FlatBufferBuilder& fbb) {
    return tflite::CreateConv2DOptions(fbb, tflite::Padding_VALID, 1, 1, tflite::ActivationFunctionType_RELU)
        .Union();
  };
  Result r = testing::run_tflite_op(BuiltinOperator_CONV_2D, tflite::BuiltinOptions_Conv2DOptions, options,
                                    {{{1, 1, 3, 1}, {1, -5, 7}}, {{1, 1, 2, 1}, {1, 1}, true}});
  EXPECT_EQ(r.shape, (Shape{1, 1, 2, 1}));
  EXPECT_EQ(r.values, (std::vector<float>{0, 2}));
}

TEST(TfliteDepthwiseConv2D, MultiplierKeepsOutputsOfAChannelTogether) {
  // Input 1x2 pixels [1,2] and [3,4]; filter [1,1,2,4] with multiplier 2:
  // output channel c*2+m reads input channel c only:
  //   o0 = 1*1 + 3*2, o1 = 1*10 + 3*20, o2 = 2*100 + 4*200, o3 = 2*1000 + 4*2000.
  auto options = [](flatbuffers::FlatBufferBuilder& fbb) {
    return tflite::CreateDepthwiseConv2DOptions(fbb, tflite::Padding_VALID, 1, 1, 2).Union();
  };
  Result r = testing::run_tflite_op(tflite::BuiltinOperator_DEPTHWISE_CONV_2D,
                                    tflite::BuiltinOptions_DepthwiseConv2DOptions, options,
                                    {{{1, 1, 2, 2}, {1, 2, 3, 4}},
                                     {{1, 1, 2, 4}, {1, 10, 100, 1000, 2, 20, 200, 2000}, true}});
  EXPECT_EQ(r.shape, (Shape{1, 1, 1, 4}));
  EXPECT_EQ(r.values, (std::vector<float>{7, 70, 1000, 10000}));
}

TEST(TfliteDepthwiseConv2D, SamePaddingStride2) {
  // 3x3 input of ones, two channels; 3x3 filter with every tap 1 (channel 0)
  // or 2 (channel 1); stride 2, SAME: out 2x2, total padding 2 -> 1 each side.
  // Every output sees 2x2 in-bounds taps (with all padding at the end, (0,0)
  // would see 3x3).
  std::vector<float> w(18);
  for (int i = 0; i < 18; ++i) w[i] = i % 2 ? 2.0f : 1.0f;
  auto options = [](flatbuffers::FlatBufferBuilder& fbb) {
    return tflite::CreateDepthwiseConv2DOptions(fbb, tflite::Padding_SAME, 2, 2, 1).Union();
  };
  Result r = testing::run_tflite_op(tflite::BuiltinOperator_DEPTHWISE_CONV_2D,
                                    tflite::BuiltinOptions_DepthwiseConv2DOptions, options,
                                    {{{1, 3, 3, 2}, std::vector<float>(18, 1.0f)}, {{1, 3, 3, 2}, w, true}});
  EXPECT_EQ(r.shape, (Shape{1, 2, 2, 2}));
  EXPECT_EQ(r.values, (std::vector<float>{4, 8, 4, 8, 4, 8, 4, 8}));
}

// 2x2 input [[1,2],[3,4]], 3x3 ones filter, stride 2: the full scatter is 5x5;
// rows/cols 0-1 come from input row/col 0, 2 from both, 3-4 from row/col 1.
const std::vector<float> kScatter5x5 = {1, 1, 3, 2, 2, 1, 1, 3, 2, 2, 4, 4, 10, 6, 6,
                                        3, 3, 7, 4, 4, 3, 3, 7, 4, 4};

Result run_transpose_conv(tflite::Padding padding, int64_t size) {
  auto options = [padding](flatbuffers::FlatBufferBuilder& fbb) {
    return tflite::CreateTransposeConvOptions(fbb, padding, 2, 2).Union();
  };
  Input output_shape{{4}, {}, true, {1, static_cast<int32_t>(size), static_cast<int32_t>(size), 1}};
  return testing::run_tflite_op(tflite::BuiltinOperator_TRANSPOSE_CONV, tflite::BuiltinOptions_TransposeConvOptions,
                                options,
                                {output_shape, {{1, 3, 3, 1}, std::vector<float>(9, 1.0f), true},
                                 {{1, 2, 2, 1}, {1, 2, 3, 4}}, {{1}, {0.5f}, true}});
}

TEST(TfliteTransposeConv, SameCropsTheScatterAtTheEnd) {
  // Output 4: the forward SAME conv from 4 to 2 pads (2-1)*2 + 3 - 4 = 1, none
  // of it at the top, so the 5x5 scatter loses its last row and column.
  Result r = run_transpose_conv(tflite::Padding_SAME, 4);
  EXPECT_EQ(r.shape, (Shape{1, 4, 4, 1}));
  std::vector<float> want;
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) want.push_back(kScatter5x5[y * 5 + x] + 0.5f);
  EXPECT_EQ(r.values, want);
}

TEST(TfliteTransposeConv, ValidWithALargerOutputAddsBiasOnlyRows) {
  Result r = run_transpose_conv(tflite::Padding_VALID, 6);
  EXPECT_EQ(r.shape, (Shape{1, 6, 6, 1}));
  std::vector<float> want;
  for (int y = 0; y < 6; ++y)
    for (int x = 0; x < 6; ++x) want.push_back((y < 5 && x < 5 ? kScatter5x5[y * 5 + x] : 0.0f) + 0.5f);
  EXPECT_EQ(r.values, want);
}

}  // namespace
}  // namespace octet
