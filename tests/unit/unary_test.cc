// Elementwise activations, PRelu broadcasting, and the TFLite clip mappings.
#include <gtest/gtest.h>

#include <cmath>

#include "single_op_harness.h"

namespace octet {
namespace {

using testing::Input;
using testing::run_op;
using testing::run_tflite_op;

Attributes floats(std::initializer_list<std::pair<const char*, float>> values) {
  Attributes attrs;
  for (const auto& [name, value] : values) attrs.set(name, value);
  return attrs;
}

const Input kRamp{{5}, {-4, -1, 0, 1, 4}};

TEST(Unary, ReluAndClip) {
  EXPECT_EQ(run_op(OpKind::Relu, {kRamp}).values, (std::vector<float>{0, 0, 0, 1, 4}));
  EXPECT_EQ(run_op(OpKind::Clip, {kRamp}, floats({{"min", -2}, {"max", 0.5f}})).values,
            (std::vector<float>{-2, -1, 0, 0.5f, 0.5f}));
}

TEST(Unary, TfliteRelu6AndReluN1To1AreClips) {
  Input x{{4}, {-3, -0.5f, 0.5f, 7}};
  auto relu6 =
      run_tflite_op(tflite::BuiltinOperator_RELU6, tflite::BuiltinOptions_NONE, testing::no_options, {x});
  EXPECT_EQ(relu6.values, (std::vector<float>{0, 0, 0.5f, 6}));
  auto n1to1 = run_tflite_op(tflite::BuiltinOperator_RELU_N1_TO_1, tflite::BuiltinOptions_NONE,
                             testing::no_options, {x});
  EXPECT_EQ(n1to1.values, (std::vector<float>{-1, -0.5f, 0.5f, 1}));
}

TEST(Unary, TfliteLeakyReluAlpha) {
  auto options = [](flatbuffers::FlatBufferBuilder& fbb) {
    return tflite::CreateLeakyReluOptions(fbb, 0.25f).Union();
  };
  auto y = run_tflite_op(tflite::BuiltinOperator_LEAKY_RELU, tflite::BuiltinOptions_LeakyReluOptions, options,
                         {kRamp});
  EXPECT_EQ(y.values, (std::vector<float>{-1, -0.25f, 0, 1, 4}));
}

TEST(Unary, HardSigmoidAndHardSwish) {
  // HardSigmoid 0.2x + 0.5 clamped to [0,1]; HardSwish x * relu6(x + 3) / 6.
  auto hs = run_op(OpKind::HardSigmoid, {kRamp}, floats({{"alpha", 0.2f}, {"beta", 0.5f}}));
  std::vector<float> expected{0, 0.3f, 0.5f, 0.7f, 1};
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_FLOAT_EQ(hs.values[i], expected[i]);
  auto swish = run_op(OpKind::HardSwish, {kRamp});
  expected = {0, -1.0f / 3, 0, 2.0f / 3, 4};
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_FLOAT_EQ(swish.values[i], expected[i]);
}

TEST(Unary, SigmoidAndTanh) {
  auto s = run_op(OpKind::Sigmoid, {Input{{3}, {0, 100, -100}}});
  EXPECT_EQ(s.values, (std::vector<float>{0.5f, 1, 0}));
  auto t = run_op(OpKind::Tanh, {Input{{2}, {0, 1}}});
  EXPECT_FLOAT_EQ(t.values[1], std::tanh(1.0f));
}

TEST(PRelu, SlopeBroadcastAlongTheLastAxis) {
  Input x{{2, 3}, {-1, -1, -1, 2, -2, -4}};
  Input slope{{3}, {0.5f, 1, 2}, true};
  EXPECT_EQ(run_op(OpKind::PRelu, {x, slope}).values, (std::vector<float>{-0.5f, -1, -2, 2, -2, -8}));
}

TEST(PRelu, SlopeBroadcastAlongALeadingAxisFromAGraphInput) {
  // ONNX NCHW style: slope [C,1] against [C,W]; here a runtime input.
  Input x{{2, 3}, {-1, -1, -1, 2, -2, -4}};
  Input slope{{2, 1}, {0.5f, 3}};
  EXPECT_EQ(run_op(OpKind::PRelu, {x, slope}).values, (std::vector<float>{-0.5f, -0.5f, -0.5f, 2, -6, -12}));
}

TEST(PRelu, SlopeThatDoesNotBroadcastToTheInputIsAShapeError) {
  Graph g;
  Tensor x, slope;
  x.shape = {3};
  slope.shape = {2, 3};
  int ids[] = {g.add_tensor(x), g.add_tensor(slope)};
  try {
    g.add_node(OpKind::PRelu, "prelu", {ids[0], ids[1]});
    FAIL() << "expected a shape error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadShape);
  }
}

TEST(Unary, OnnxClipBoundsAreAttributesBeforeOpset11) {
  onnx::NodeProto node = testing::onnx_node("Clip", {"x"});
  testing::set_attr(node, "min", -1.5f);
  EXPECT_EQ(testing::run_onnx_node(node, {kRamp}, 7).values, (std::vector<float>{-1.5f, -1, 0, 1, 4}));
}

TEST(Unary, OnnxClipBoundsAreConstantInputsFromOpset11) {
  // An absent min (empty name) is -inf.
  onnx::NodeProto node = testing::onnx_node("Clip", {"x", "", "max"});
  Input max{{}, {0.5f}, true};
  EXPECT_EQ(testing::run_onnx_node(node, {kRamp, Input{}, max}, 13).values,
            (std::vector<float>{-4, -1, 0, 0.5f, 0.5f}));
}

TEST(Unary, OnnxClipWithARuntimeBoundIsUnsupported) {
  onnx::NodeProto node = testing::onnx_node("Clip", {"x", "min"});
  try {
    testing::run_onnx_node(node, {kRamp, Input{{}, {0}}}, 13);
    FAIL() << "expected Unsupported";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unsupported);
  }
}

TEST(Unary, OnnxHardSigmoidDefaults) {
  // alpha 0.2, beta 0.5.
  auto y = testing::run_onnx_node(testing::onnx_node("HardSigmoid", {"x"}), {kRamp}, 7);
  std::vector<float> expected{0, 0.3f, 0.5f, 0.7f, 1};
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_FLOAT_EQ(y.values[i], expected[i]);
}

}  // namespace
}  // namespace octet
