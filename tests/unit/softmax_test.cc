// Softmax / LogSoftmax along any axis, TFLite's beta, and large logits.
#include <gtest/gtest.h>

#include <cmath>

#include "single_op_harness.h"

namespace octet {
namespace {

using testing::Input;
using testing::run_op;

Attributes axis(int64_t a) {
  Attributes attrs;
  attrs.set("axis", a);
  return attrs;
}

void expect_near(const std::vector<float>& actual, const std::vector<float>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) EXPECT_NEAR(actual[i], expected[i], 1e-6) << "at " << i;
}

TEST(Softmax, TfliteBetaScalesTheLogits) {
  // beta 2 on [1,2,3] is softmax([2,4,6]) = [e^-4, e^-2, 1] / (e^-4 + e^-2 + 1).
  auto options = [](flatbuffers::FlatBufferBuilder& fbb) {
    return tflite::CreateSoftmaxOptions(fbb, 2.0f).Union();
  };
  auto y = testing::run_tflite_op(tflite::BuiltinOperator_SOFTMAX, tflite::BuiltinOptions_SoftmaxOptions,
                                  options, {Input{{1, 3}, {1, 2, 3}}});
  const float sum = std::exp(-4.0f) + std::exp(-2.0f) + 1.0f;
  expect_near(y.values, {std::exp(-4.0f) / sum, std::exp(-2.0f) / sum, 1.0f / sum});
}

TEST(Softmax, MiddleAxis) {
  // [1,2,2] over axis 1: lanes (0, ln 3) -> (1/4, 3/4) and (0, 1) -> (1, e) / (1 + e).
  const float e = std::exp(1.0f);
  auto y = run_op(OpKind::Softmax, {Input{{1, 2, 2}, {0, 0, std::log(3.0f), 1}}}, axis(1));
  expect_near(y.values, {0.25f, 1 / (1 + e), 0.75f, e / (1 + e)});
}

TEST(Softmax, LargeLogitsDoNotOverflow) {
  auto y = run_op(OpKind::Softmax, {Input{{1, 2}, {1000, 1000}}}, axis(-1));
  expect_near(y.values, {0.5f, 0.5f});
}

TEST(LogSoftmax, LastAxis) {
  // softmax(0, ln 3) = (1/4, 3/4).
  auto y = run_op(OpKind::LogSoftmax, {Input{{1, 2}, {0, std::log(3.0f)}}}, axis(-1));
  expect_near(y.values, {-std::log(4.0f), std::log(0.75f)});
}

TEST(LogSoftmax, TfliteMapsToTheLastAxis) {
  auto y = testing::run_tflite_op(tflite::BuiltinOperator_LOG_SOFTMAX, tflite::BuiltinOptions_NONE,
                                  testing::no_options, {Input{{2, 2}, {0, std::log(3.0f), 5, 5}}});
  expect_near(y.values, {-std::log(4.0f), std::log(0.75f), -std::log(2.0f), -std::log(2.0f)});
}

TEST(Softmax, OnnxBeforeOpset13NormalizesEverythingFromTheAxisOn) {
  // [2,2,2] at axis 1 is two rows of 4: (0, 0, 0, ln 5) -> (1, 1, 1, 5) / 8.
  const float ln5 = std::log(5.0f);
  onnx::NodeProto node = testing::onnx_node("Softmax", {"x"});
  auto y = testing::run_onnx_node(node, {Input{{2, 2, 2}, {0, 0, 0, ln5, ln5, 0, 0, 0}}}, 11);
  EXPECT_EQ(y.shape, (Shape{2, 2, 2}));
  expect_near(y.values, {0.125f, 0.125f, 0.125f, 0.625f, 0.625f, 0.125f, 0.125f, 0.125f});
}

TEST(LogSoftmax, OnnxBeforeOpset13WithTrailingOnes) {
  // SqueezeNet's [1,C,1,1] at axis 1: a single-axis normalization.
  onnx::NodeProto node = testing::onnx_node("LogSoftmax", {"x"});
  auto y = testing::run_onnx_node(node, {Input{{1, 2, 1, 1}, {0, std::log(3.0f)}}}, 7);
  EXPECT_EQ(y.shape, (Shape{1, 2, 1, 1}));
  expect_near(y.values, {-std::log(4.0f), std::log(0.75f)});
}

}  // namespace
}  // namespace octet
