// Weight, bias and constant quantization (quant/weights.h), values derived by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "calib/quant_params.h"
#include "quant/weights.h"

namespace octet::quant {
namespace {

std::vector<int8_t> int8_values(const Tensor& t) { return {t.data_as<int8_t>(), t.data_as<int8_t>() + t.element_count()}; }
std::vector<int32_t> int32_values(const Tensor& t) {
  return {t.data_as<int32_t>(), t.data_as<int32_t>() + t.element_count()};
}

TEST(QuantWeights, PerTensorScaleIsMaxOver127AndRoundsHalfAwayFromZero) {
  const Tensor w = make_constant<float>("w", {1, 4}, {0.5f, -1.0f, 0.25f, -0.5f});
  uint32_t warnings = 0;
  const std::vector<float> scales = weight_scales(w, /*per_channel=*/false, &warnings);
  ASSERT_EQ(scales.size(), 1u);
  EXPECT_FLOAT_EQ(scales[0], 2.0f / 254);
  const Tensor q = quantize_weights(w, scales);
  // 0.5 * 127 = 63.5 -> 64; 0.25 * 127 = 31.75 -> 32; -0.5 -> -64 (away from zero).
  EXPECT_EQ(int8_values(q), (std::vector<int8_t>{64, -127, 32, -64}));
  EXPECT_EQ(q.quant.axis, -1);
  EXPECT_EQ(q.quant.zero_points, std::vector<int64_t>{0});
  EXPECT_EQ(warnings, 0u);
}

TEST(QuantWeights, PerChannelAlongAxisZero) {
  const Tensor w = make_constant<float>("w", {2, 2}, {0.1f, -0.2f, 4.0f, 1.0f});
  uint32_t warnings = 0;
  const std::vector<float> scales = weight_scales(w, /*per_channel=*/true, &warnings);
  ASSERT_EQ(scales.size(), 2u);
  EXPECT_FLOAT_EQ(scales[0], 0.4f / 254);
  EXPECT_FLOAT_EQ(scales[1], 8.0f / 254);
  const Tensor q = quantize_weights(w, scales);
  // Channel 0: 0.1 / (0.2/127) = 63.5 -> 64; channel 1: 1 / (4/127) = 31.75 -> 32.
  EXPECT_EQ(int8_values(q), (std::vector<int8_t>{64, -127, 127, 32}));
  EXPECT_EQ(q.quant.axis, 0);
}

TEST(QuantWeights, BiasScaleIsInputTimesWeightScale) {
  const Tensor b = make_constant<float>("b", {2}, {0.5f, -0.25f});
  const Tensor q = quantize_bias(b, 0.5f, {0.01f, 0.001f});
  EXPECT_EQ(int32_values(q), (std::vector<int32_t>{100, -500}));
  EXPECT_EQ(q.quant.scales, (std::vector<float>{0.005f, 0.0005f}));
  EXPECT_EQ(q.quant.axis, 0);
}

TEST(QuantWeights, AllZeroChannelWithABiasGetsAScaleTheBiasFitsIn) {
  const Tensor w = make_constant<float>("w", {2, 2}, {0.0f, 0.0f, 1.0f, -1.0f});
  const Tensor b = make_constant<float>("b", {2}, {3000.0f, 1.0f});
  uint32_t warnings = 0;
  std::vector<float> scales = weight_scales(w, true, &warnings);
  EXPECT_TRUE(warnings & calib::kZeroWeightChannel);
  // 1e-6 / 254 * 0.01 makes 3000 about 7.6e13 steps: far beyond int32.
  fit_bias(b, 0.01f, scales, &warnings);
  EXPECT_TRUE(warnings & calib::kWeightScaleRaisedForBias);
  EXPECT_TRUE(std::isfinite(scales[0]) && scales[0] > 0);
  EXPECT_FLOAT_EQ(scales[1], 2.0f / 254);  // untouched
  const Tensor q = quantize_bias(b, 0.01f, scales);
  const double real = double(int32_values(q)[0]) * q.quant.scales[0];
  EXPECT_NEAR(real, 3000.0, 3000.0 * 1e-6);
  EXPECT_EQ(int8_values(quantize_weights(w, scales))[0], 0);
}

TEST(QuantWeights, ConstantsAreAsymmetricWithTheGivenParameters) {
  const Tensor c = make_constant<float>("c", {3}, {0.0f, 1.0f, -2.0f});
  const Tensor q = quantize_constant(c, {{0.5f}, {10}, -1});
  EXPECT_EQ(int8_values(q), (std::vector<int8_t>{10, 12, 6}));
}

TEST(QuantWeights, NanWeightsQuantizeToZero) {
  const Tensor w = make_constant<float>("w", {1, 2}, {NAN, 1.0f});
  uint32_t warnings = 0;
  const std::vector<float> scales = weight_scales(w, false, &warnings);
  EXPECT_TRUE(warnings & calib::kNonFiniteWeights);
  EXPECT_EQ(int8_values(quantize_weights(w, scales)), (std::vector<int8_t>{0, 127}));
}

}  // namespace
}  // namespace octet::quant
