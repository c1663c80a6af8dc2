// Activation and weight quantization parameters (src/calib/quant_params.h).
// Expected values are derived by hand from the TFLite converter's rules:
// scale = (float(max) - float(min)) / 255 in float32, zero point =
// round(-128 - min / scale) half away from zero.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "calib/quant_params.h"
#include "graph/error.h"

namespace octet::calib {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

bool usable_scale(float s) { return std::isnormal(s) && s > 0.0f; }

TEST(CalibActivationParams, MinusOneToOne) {
  const QuantParams p = choose_activation_params({-1.0f, 1.0f});
  EXPECT_EQ(p.scale, 2.0f / 255.0f);
  // float(2/255) = 0.0078431377 is a little above 2/255, so -128 + 1/scale =
  // -0.5000076, which rounds to -1 (not 0).
  EXPECT_EQ(p.zero_point, -1);
  EXPECT_EQ(p.warnings, kNoWarning);
}

TEST(CalibActivationParams, ZeroToSix) {
  const QuantParams p = choose_activation_params({0.0f, 6.0f});
  EXPECT_EQ(p.scale, 6.0f / 255.0f);
  EXPECT_EQ(p.zero_point, -128);  // min is 0: real 0 is the lowest code
}

TEST(CalibActivationParams, MinusHalfToThree) {
  const QuantParams p = choose_activation_params({-0.5f, 3.0f});
  EXPECT_EQ(p.scale, 3.5f / 255.0f);
  // -128 + 0.5 / (3.5 / 255) = -128 + 36.43 = -91.57 -> -92
  EXPECT_EQ(p.zero_point, -92);
}

TEST(CalibActivationParams, RangeIsExtendedToIncludeZero) {
  const QuantParams pos = choose_activation_params({5.0f, 5.0f});  // -> [0, 5]
  EXPECT_EQ(pos.scale, 5.0f / 255.0f);
  EXPECT_EQ(pos.zero_point, -128);
  EXPECT_EQ(pos.warnings, kNoWarning);
  const QuantParams neg = choose_activation_params({-3.0f, -3.0f});  // -> [-3, 0]
  EXPECT_EQ(neg.scale, 3.0f / 255.0f);
  EXPECT_EQ(neg.zero_point, 127);  // -128 + 3 / (3/255) = 126.99999 -> 127
}

TEST(CalibActivationParams, AllZeroRangeIsWidenedLikeTflite) {
  // [0, 0] -> [-1e-6, 1e-6]: scale = 2 * float(1e-6) / 255 = 7.8431e-9,
  // zero point -128 + 127.49999 = -0.49999 -> 0.
  const QuantParams p = choose_activation_params({0.0f, 0.0f});
  EXPECT_EQ(p.scale, (2.0f * 1e-6f) / 255.0f);
  EXPECT_NEAR(p.scale, 7.8431e-9, 1e-12);
  EXPECT_EQ(p.zero_point, 0);
  EXPECT_EQ(p.warnings, kNarrowRange);
  EXPECT_TRUE(usable_scale(p.scale));
}

TEST(CalibActivationParams, TinyRangeIsWidenedOnBothSides) {
  // [0, 1e-7] -> [-1e-6, 1.1e-6]: scale 2.1e-6 / 255 = 8.235e-9,
  // zero point -128 + 1e-6 / 8.235e-9 = -128 + 121.43 = -6.57 -> -7.
  const QuantParams p = choose_activation_params({0.0f, 1e-7f});
  EXPECT_NEAR(p.scale, 2.1e-6 / 255.0, 1e-13);
  EXPECT_EQ(p.zero_point, -7);
  EXPECT_EQ(p.warnings, kNarrowRange);
}

TEST(CalibActivationParams, NonFiniteBoundsFallBack) {
  const QuantParams nan_min = choose_activation_params({kNaN, 2.0f});  // -> [0, 2]
  EXPECT_EQ(nan_min.scale, 2.0f / 255.0f);
  EXPECT_EQ(nan_min.zero_point, -128);
  EXPECT_EQ(nan_min.warnings, kNonFiniteBound);

  const QuantParams both_nan = choose_activation_params({kNaN, kNaN});  // -> [0, 0], widened
  EXPECT_EQ(both_nan.warnings, kNonFiniteBound | kNarrowRange);
  EXPECT_TRUE(usable_scale(both_nan.scale));

  const QuantParams inf = choose_activation_params({-kInf, kInf});
  EXPECT_EQ(inf.warnings, kNonFiniteBound);
  EXPECT_TRUE(usable_scale(inf.scale));
  EXPECT_FLOAT_EQ(inf.scale, 2.0f * kLargestBound / 255.0f);

  const QuantParams huge = choose_activation_params({-3e38f, 3e38f});
  EXPECT_EQ(huge.warnings, kHugeBound);
  EXPECT_TRUE(usable_scale(huge.scale));
}

TEST(CalibActivationParams, NudgedGridStillCoversTheRange) {
  // Nudging moves the grid by at most half a step, so min and max quantize to
  // codes no more than half a step outside [-128, 127].
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> lo(-10.0f, 0.0f), hi(0.0f, 10.0f);
  for (int i = 0; i < 2000; ++i) {
    const QuantRange r{lo(rng), hi(rng)};
    const QuantParams p = choose_activation_params(r);
    ASSERT_TRUE(usable_scale(p.scale));
    ASSERT_GE(p.zero_point, -128);
    ASSERT_LE(p.zero_point, 127);
    EXPECT_GE(r.min / p.scale + p.zero_point, -128.5 - 1e-3) << r.min << " " << r.max;
    EXPECT_LE(r.max / p.scale + p.zero_point, 127.5 + 1e-3) << r.min << " " << r.max;
  }
}

TEST(CalibWeightScales, PerTensorIsMaxAbsOver127) {
  const float w[] = {0.5f, -1.27f, 0.3f};
  const WeightScales s = choose_weight_scale_per_tensor(w, 3);
  ASSERT_EQ(s.scales.size(), 1u);
  EXPECT_FLOAT_EQ(s.scales[0], 0.01f);  // 1.27 / 127
  EXPECT_EQ(s.warnings, kNoWarning);
}

TEST(CalibWeightScales, PerChannelAxisZeroWithAnAllZeroChannel) {
  // [3, 2, 2]: channel 0 max|w| 2.54, channel 1 all zero, channel 2 max|w| 0.127.
  const float w[] = {1.0f, -2.54f, 0.5f, 0.0f,    //
                     0.0f, 0.0f,   -0.0f, 0.0f,   //
                     0.1f, 0.0f,   -0.127f, 0.05f};
  const WeightScales s = choose_weight_scales_per_channel(w, {3, 2, 2}, 0);
  ASSERT_EQ(s.scales.size(), 3u);
  EXPECT_FLOAT_EQ(s.scales[0], 0.02f);
  // TFLite's fallback: max|w| raised to 5e-7, scale 1e-6 / 254.
  EXPECT_FLOAT_EQ(s.scales[1], 1e-6f / 254.0f);
  EXPECT_TRUE(usable_scale(s.scales[1]));
  EXPECT_FLOAT_EQ(s.scales[2], 0.001f);
  EXPECT_EQ(s.warnings, kZeroWeightChannel | kNarrowRange);
  EXPECT_EQ(s.zero_channels, std::vector<int64_t>{1});
}

TEST(CalibWeightScales, PerChannelLastAxis) {
  // [2, 3], axis 1: channels are columns {1, -4}, {0, 0}, {-2, 0.5}.
  const float w[] = {1.0f, 0.0f, -2.0f,  //
                     -4.0f, 0.0f, 0.5f};
  const WeightScales s = choose_weight_scales_per_channel(w, {2, 3}, 1);
  ASSERT_EQ(s.scales.size(), 3u);
  EXPECT_FLOAT_EQ(s.scales[0], 4.0f / 127.0f);
  EXPECT_FLOAT_EQ(s.scales[1], 1e-6f / 254.0f);
  EXPECT_FLOAT_EQ(s.scales[2], 2.0f / 127.0f);
  EXPECT_EQ(s.zero_channels, std::vector<int64_t>{1});
}

TEST(CalibWeightScales, NonFiniteWeightsAreLeftOut) {
  const float w[] = {1.0f, kNaN, -2.0f, kInf};
  const WeightScales s = choose_weight_scale_per_tensor(w, 4);
  EXPECT_FLOAT_EQ(s.scales[0], 2.0f / 127.0f);
  EXPECT_EQ(s.warnings, kNonFiniteWeights);
}

TEST(CalibWeightScales, BadAxisIsAnError) {
  const float w[] = {1.0f, 2.0f};
  EXPECT_THROW(choose_weight_scales_per_channel(w, {2}, 1), Error);
}

TEST(CalibQuantWarnings, Describe) {
  EXPECT_EQ(describe_warnings(kNoWarning), "");
  EXPECT_EQ(describe_warnings(kNarrowRange | kZeroWeightChannel),
            "range narrower than 1e-6 widened; all-zero weight channel");
}

}  // namespace
}  // namespace octet::calib
