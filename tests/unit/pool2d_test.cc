// MaxPool2D / AvgPool2D: NHWC kernels with explicit padding, and the TFLite
// mappings (SAME padding never counted by average pooling). Expected values
// are worked out by hand in the comments.
#include <gtest/gtest.h>

#include "single_op_harness.h"

namespace octet {
namespace {

using testing::Input;
using testing::run_op;
using testing::run_tflite_op;

Attributes pool_attrs(std::vector<int64_t> kernel, std::vector<int64_t> strides, std::vector<int64_t> pads) {
  Attributes attrs;
  attrs.set("kernel", std::move(kernel));
  attrs.set("strides", std::move(strides));
  attrs.set("pads", std::move(pads));
  return attrs;
}

template <OpKind kind, tflite::Padding padding>
testing::Result tflite_pool(const Input& x, int filter, int stride) {
  auto builtin = kind == OpKind::MaxPool2D ? tflite::BuiltinOperator_MAX_POOL_2D
                                           : tflite::BuiltinOperator_AVERAGE_POOL_2D;
  auto options = [&](flatbuffers::FlatBufferBuilder& fbb) {
    return tflite::CreatePool2DOptions(fbb, padding, stride, stride, filter, filter).Union();
  };
  return run_tflite_op(builtin, tflite::BuiltinOptions_Pool2DOptions, options, {x});
}

const Input kOneToNine{{1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9}};

TEST(Pool2D, TfliteSameAveragePoolDoesNotCountPadding) {
  // 3x3 input, 2x2 filter, stride 2: 2x2 output, one row/column of padding at
  // the bottom/right. Windows: {1,2,4,5}, {3,6}, {7,8}, {9}.
  auto y = tflite_pool<OpKind::AvgPool2D, tflite::Padding_SAME>(kOneToNine, 2, 2);
  EXPECT_EQ(y.shape, (Shape{1, 2, 2, 1}));
  EXPECT_EQ(y.values, (std::vector<float>{3, 4.5f, 7.5f, 9}));
}

TEST(Pool2D, TfliteSameMaxPoolIgnoresPadding) {
  // All inputs negative: a zero-valued padding would win every border window.
  // 3x3 filter, stride 1, one pixel of padding on every side.
  Input x{{1, 3, 3, 1}, {-1, -2, -3, -4, -5, -6, -7, -8, -9}};
  auto y = tflite_pool<OpKind::MaxPool2D, tflite::Padding_SAME>(x, 3, 1);
  EXPECT_EQ(y.shape, (Shape{1, 3, 3, 1}));
  EXPECT_EQ(y.values, (std::vector<float>{-1, -1, -2, -1, -1, -2, -4, -4, -5}));
}

TEST(Pool2D, TfliteValidPoolsEachChannel) {
  Input x{{1, 2, 2, 2}, {1, 10, 2, 20, 3, 30, 4, 40}};
  auto avg = tflite_pool<OpKind::AvgPool2D, tflite::Padding_VALID>(x, 2, 1);
  EXPECT_EQ(avg.shape, (Shape{1, 1, 1, 2}));
  EXPECT_EQ(avg.values, (std::vector<float>{2.5f, 25}));
  auto max = tflite_pool<OpKind::MaxPool2D, tflite::Padding_VALID>(x, 2, 1);
  EXPECT_EQ(max.values, (std::vector<float>{4, 40}));
}

TEST(Pool2D, TfliteFusedActivation) {
  // A 1x2 filter with stride 2 along W: rows {-8,-2} average -5 (relu: 0) and {4,10} 7.
  auto options = [](flatbuffers::FlatBufferBuilder& fbb) {
    return tflite::CreatePool2DOptions(fbb, tflite::Padding_VALID, 2, 1, 2, 1, tflite::ActivationFunctionType_RELU)
        .Union();
  };
  auto y = testing::run_tflite_op(tflite::BuiltinOperator_AVERAGE_POOL_2D, tflite::BuiltinOptions_Pool2DOptions,
                                  options, {Input{{1, 2, 2, 1}, {-8, -2, 4, 10}}});
  EXPECT_EQ(y.shape, (Shape{1, 2, 1, 1}));
  EXPECT_EQ(y.values, (std::vector<float>{0, 7}));
}

TEST(Pool2D, CountIncludePadDividesByTheWholeWindow) {
  // 2x2 input, 3x3 window, one pixel of padding: every window holds all four
  // values (sum 10) in 9 positions.
  Input x{{1, 2, 2, 1}, {1, 2, 3, 4}};
  Attributes attrs = pool_attrs({3, 3}, {1, 1}, {1, 1, 1, 1});
  EXPECT_EQ(run_op(OpKind::AvgPool2D, {x}, attrs).values, (std::vector<float>(4, 2.5f)));
  attrs.set("count_include_pad", int64_t{1});
  auto y = run_op(OpKind::AvgPool2D, {x}, attrs);
  for (float v : y.values) EXPECT_FLOAT_EQ(v, 10.0f / 9);
}

TEST(Pool2D, AsymmetricPaddingAsOnnxCeilMode) {
  // ONNX test_maxpool_2d_ceil / test_averagepool_2d_ceil: 4x4 input 1..16,
  // 3x3 window, stride 2; ceil_mode becomes one pixel of bottom/right padding.
  Input x{{1, 4, 4, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};
  Attributes attrs = pool_attrs({3, 3}, {2, 2}, {0, 0, 1, 1});
  EXPECT_EQ(run_op(OpKind::MaxPool2D, {x}, attrs).values, (std::vector<float>{11, 12, 15, 16}));
  EXPECT_EQ(run_op(OpKind::AvgPool2D, {x}, attrs).values, (std::vector<float>{6, 7.5f, 12, 13.5f}));
}

TEST(Pool2D, DilatedMaxPool) {
  // ONNX test_maxpool_2d_dilations: 2x2 kernel with dilation 2 on 4x4 1..16.
  Input x{{1, 4, 4, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};
  Attributes attrs = pool_attrs({2, 2}, {1, 1}, {0, 0, 0, 0});
  attrs.set("dilations", std::vector<int64_t>{2, 2});
  EXPECT_EQ(run_op(OpKind::MaxPool2D, {x}, attrs).values, (std::vector<float>{11, 12, 15, 16}));
}

TEST(Pool2D, FusedActivationClampsTheResult) {
  Input x{{1, 1, 2, 1}, {10, 20}};
  Attributes attrs = pool_attrs({1, 1}, {1, 1}, {0, 0, 0, 0});
  attrs.set("activation", std::string("relu6"));
  EXPECT_EQ(run_op(OpKind::AvgPool2D, {x}, attrs).values, (std::vector<float>{6, 6}));
}

TEST(Pool2D, WindowLargerThanPaddedInputIsAShapeError) {
  Graph g;
  Tensor t;
  t.shape = {1, 2, 2, 1};
  int x = g.add_tensor(t);
  try {
    g.add_node(OpKind::MaxPool2D, "pool", {x}, pool_attrs({3, 3}, {1, 1}, {0, 0, 0, 0}));
    FAIL() << "expected a shape error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadShape);
  }
}

TEST(Pool2D, OnnxCeilModeDoesNotCountItsPaddingWithCountIncludePad) {
  // 4x4 input 1..16, 3x3 window, stride 2, pads 1, ceil_mode: 3x3 output; the
  // last window on each axis covers input 3, explicit pad 4 and ceil pad 5, so
  // it counts 2 positions there (as onnxruntime and PyTorch do), 3 elsewhere.
  // E.g. the last output: 16 / (2*2); the first: (1+2+5+6) / 9.
  onnx::NodeProto node = testing::onnx_node("AveragePool", {"x"});
  testing::set_attr(node, "kernel_shape", std::vector<int64_t>{3, 3});
  testing::set_attr(node, "strides", std::vector<int64_t>{2, 2});
  testing::set_attr(node, "pads", std::vector<int64_t>{1, 1, 1, 1});
  testing::set_attr(node, "ceil_mode", int64_t{1});
  testing::set_attr(node, "count_include_pad", int64_t{1});
  Input x{{1, 1, 4, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};
  auto y = testing::run_onnx_node(node, {x}, 13);
  EXPECT_EQ(y.shape, (Shape{1, 1, 3, 3}));
  std::vector<float> expected{14.0f / 9, 30.0f / 9, 12.0f / 6, 57.0f / 9, 99.0f / 9,
                              36.0f / 6, 27.0f / 6, 45.0f / 6, 16.0f / 4};
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_FLOAT_EQ(y.values[i], expected[i]) << "at " << i;
}

TEST(Pool2D, OnnxCeilModeSkipsAWindowStartingInTheEndPadding) {
  // 2x2 input, 2x2 window, stride 2, end pad 1: floor gives 1 output, ceil 2,
  // but the second window would start at 2, past the input and its begin
  // padding, so ONNX keeps 1.
  onnx::NodeProto node = testing::onnx_node("MaxPool", {"x"});
  testing::set_attr(node, "kernel_shape", std::vector<int64_t>{2, 2});
  testing::set_attr(node, "strides", std::vector<int64_t>{2, 2});
  testing::set_attr(node, "pads", std::vector<int64_t>{0, 0, 1, 1});
  testing::set_attr(node, "ceil_mode", int64_t{1});
  auto y = testing::run_onnx_node(node, {Input{{1, 1, 2, 2}, {1, 2, 3, 4}}}, 13);
  EXPECT_EQ(y.shape, (Shape{1, 1, 1, 1}));
  EXPECT_EQ(y.values, (std::vector<float>{4}));
}

}  // namespace
}  // namespace octet
