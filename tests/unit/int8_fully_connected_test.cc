// int8 FULLY_CONNECTED, per-tensor (with a weights zero point) and
// per-channel, on hand-derived values; and the per-tensor multiplier recipe
// that rounds the scale product to float first.
#include <gtest/gtest.h>

#include <vector>

#include "graph/error.h"
#include "runtime/int8/fully_connected.h"

namespace octet::int8 {
namespace {

TEST(Int8FullyConnected, PerTensorWithWeightsZeroPoint) {
  // Input zero point 2: codes [10, -5, 0] are x = [8, -7, -2].
  // Weights zero point 1: codes [[1,2,3], [-4,5,6]] are w = [[0,1,2], [-5,4,5]].
  const std::vector<int8_t> input = {10, -5, 0};
  const std::vector<int8_t> weights = {1, 2, 3, -4, 5, 6};
  const std::vector<int32_t> bias = {11, 0};
  // Multiplier float(0.5 * 0.5) / 1 = 0.25 = {2^30, -1}.
  const FullyConnectedParams p =
      prepare_fully_connected(1, 3, 2, {0.5f, 2}, {0.5f}, 1, {1.f, 0}, Activation::None);
  std::vector<int8_t> output(2);
  fully_connected(p, input.data(), weights.data(), bias.data(), output.data());
  // acc0 = 0*8 + 1*-7 + 2*-2 + 11 = 0;  acc1 = -40 - 28 - 10 = -78.
  // -78 * 0.5 = -39 exactly, / 2 = -19.5 -> -20 (away from zero).
  EXPECT_EQ(output, (std::vector<int8_t>{0, -20}));
}

TEST(Int8FullyConnected, PerChannelTwoBatches) {
  // Weights [[2, 1], [1, 1]] with scales 0.5 and 0.25; input and output scale 1.
  const std::vector<int8_t> input = {3, -1, -3, 1};
  const std::vector<int8_t> weights = {2, 1, 1, 1};
  const FullyConnectedParams p =
      prepare_fully_connected(2, 2, 2, {1.f, 0}, {0.5f, 0.25f}, 0, {1.f, 0}, Activation::None);
  ASSERT_EQ(p.output_multipliers.size(), 2u);
  std::vector<int8_t> output(4);
  fully_connected(p, input.data(), weights.data(), nullptr, output.data());
  // Row 0: acc 5 * 0.5 = 2.5 -> 3;  acc 2 * 0.5 = 1, / 2 = 0.5 -> 1.
  // Row 1: acc -5 * 0.5 = -2.5 -> -2 (tie towards +inf);  -2 -> -1, / 2 -> -1.
  EXPECT_EQ(output, (std::vector<int8_t>{3, 1, -2, -1}));
}

TEST(Int8FullyConnected, ActivationClampsAfterTheZeroPoint) {
  // One output, x = [100, 100], w = [1, 1], scale 1 -> 200 -> 127 (int8 clamp);
  // relu6 at scale 1, zero point 3 caps at 9.
  const std::vector<int8_t> input = {100, 100}, weights = {1, 1};
  int8_t y = 0;
  fully_connected(prepare_fully_connected(1, 2, 1, {1.f, 0}, {1.f}, 0, {1.f, 0}, Activation::None), input.data(),
                  weights.data(), nullptr, &y);
  EXPECT_EQ(y, 127);
  fully_connected(prepare_fully_connected(1, 2, 1, {1.f, 0}, {1.f}, 0, {1.f, 3}, Activation::Relu6), input.data(),
                  weights.data(), nullptr, &y);
  EXPECT_EQ(y, 9);
}

TEST(Int8FullyConnected, PerTensorMultiplierRoundsTheScaleProductToFloat) {
  // With a power-of-two output scale the multiplier is the float product's
  // 24-bit significand shifted up by 7: its low 7 bits are zero. In double
  // the product keeps more bits and the multiplier differs.
  const float in = 0.1f, w = 0.3f, out = 0.5f;
  const QuantizedMultiplier got =
      prepare_fully_connected(1, 1, 1, {in, 0}, {w}, 0, {out, 0}, Activation::None).output_multipliers[0];
  EXPECT_EQ(got.multiplier % 128, 0);
  const float product = in * w;
  EXPECT_EQ(got.multiplier, quantize_multiplier(double{product} / double{out}).multiplier);
  EXPECT_NE(got.multiplier, quantize_multiplier(double{in} * double{w} / double{out}).multiplier);
}

TEST(Int8FullyConnected, PerChannelWeightsMustBeSymmetric) {
  EXPECT_THROW(prepare_fully_connected(1, 2, 2, {1.f, 0}, {0.5f, 0.25f}, 3, {1.f, 0}, Activation::None), Error);
  EXPECT_THROW(prepare_fully_connected(1, 2, 3, {1.f, 0}, {0.5f, 0.25f}, 0, {1.f, 0}, Activation::None), Error);
}

}  // namespace
}  // namespace octet::int8
