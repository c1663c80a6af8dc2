// Bias correction: each output's bias less the mean error its rounded
// weights make, on hand-computed weights, scales and input means.
#include "quant/bias_correction.h"

#include <gtest/gtest.h>

#include "calib/calibrate.h"
#include "pass_test_util.h"
#include "quant/quant_plan.h"

namespace octet::quant {
namespace {

using namespace pass_test;

void expect_near(const std::vector<float>& actual, const std::vector<float>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) EXPECT_NEAR(actual[i], expected[i], 1e-5) << i;
}

// FC weights [2,3] at scale 0.1: 0.26 rounds to 0.3 (+0.04) and 0.04 to 0
// (-0.04); the others are exact. Means {1, 2, 3}: shifts 0.04*2 and -0.04*3.
Graph fully_connected() {
  Graph g;
  const int x = add_input(g, "x", {1, 3});
  g.outputs = {add(g, OpKind::FullyConnected, "fc",
                   {x, add_constant(g, "w", {2, 3}, {0.1f, 0.26f, -0.5f, 0.3f, 0.0f, 0.04f}),
                    add_constant(g, "b", {2}, {1.0f, -1.0f})})};
  return g;
}

TEST(BiasCorrection, FullyConnectedSubtractsEachOutputsMeanError) {
  const Graph g = fully_connected();
  expect_near(corrected_bias(g, g.nodes[0], {0.1f}, {1.0, 2.0, 3.0}), {1.0f - 0.08f, -1.0f + 0.12f});
  EXPECT_EQ(bias_correction_inputs(g), std::vector<int>{g.inputs[0]});
}

// Depthwise, 2 channels, multiplier 2: outputs 0 and 1 read channel 0,
// outputs 2 and 3 channel 1. Weights / scales: 2.6 -> 3 (+0.04), 5 exact,
// 7.4 -> 7 (-0.04), 1.0 / 0.3 -> 3 (0.9: -0.1).
TEST(BiasCorrection, DepthwiseOutputsReadTheirOwnChannel) {
  Graph g;
  const int x = add_input(g, "x", {1, 3, 3, 2});
  g.outputs = {add(g, OpKind::Conv2D, "dw",
                   {x, add_constant(g, "w", {4, 1, 1, 1}, {0.26f, 0.5f, 0.74f, 1.0f}),
                    add_constant(g, "b", {4}, {0, 0, 0, 0})},
                   attrs_of({{"group", int64_t{2}}}))};
  expect_near(corrected_bias(g, g.nodes[0], {0.1f, 0.1f, 0.1f, 0.3f}, {2.0, -4.0}),
              {-0.08f, 0.0f, -0.04f * 4.0f, -0.4f});
}

TEST(BiasCorrection, MeansThatDoNotFitTheWeightsAreAnInternalError) {
  const Graph g = fully_connected();
  EXPECT_THROW(corrected_bias(g, g.nodes[0], {0.1f}, {1.0, 2.0}), Error);
}

// The plan corrects a bias only where calibration measured the input's
// means, and only when asked to.
TEST(BiasCorrection, PlanCarriesTheCorrectedBias) {
  const Graph g = fully_connected();
  calib::CalibrationResult calibration;
  for (int id : calib::calibrated_tensors(g)) calibration.tensors.push_back({id, g.tensor(id).name, "minmax", {-2, 2}});
  const QuantPlan uncorrected = plan_quantization(g, calibration, {});
  EXPECT_TRUE(uncorrected.weights.at(0).bias.empty());
  calibration.channel_means[g.inputs[0]] = {1.0, 2.0, 3.0};
  const QuantPlan corrected = plan_quantization(g, calibration, {});
  expect_near(corrected.weights.at(0).bias, corrected_bias(g, g.nodes[0], corrected.weights.at(0).scales, {1.0, 2.0, 3.0}));
  QuantOptions off;
  off.bias_correction = false;
  EXPECT_TRUE(plan_quantization(g, calibration, off).weights.at(0).bias.empty());
}

}  // namespace
}  // namespace octet::quant
