// ReduceMean / ReduceMax over arbitrary axes, and the TFLite MEAN mapping.
#include <gtest/gtest.h>

#include "single_op_harness.h"

namespace octet {
namespace {

using testing::Input;
using testing::run_op;

Attributes reduce_attrs(std::vector<int64_t> axes, int64_t keepdims) {
  Attributes attrs;
  attrs.set("axes", std::move(axes));
  attrs.set("keepdims", keepdims);
  return attrs;
}

// NHWC [1,2,2,2]: channel 0 holds 1..4, channel 1 holds 10..40.
const Input kNhwc{{1, 2, 2, 2}, {1, 10, 2, 20, 3, 30, 4, 40}};

TEST(Reduce, MeanOverSpatialAxesKeepingDims) {
  auto y = run_op(OpKind::ReduceMean, {kNhwc}, reduce_attrs({1, 2}, 1));
  EXPECT_EQ(y.shape, (Shape{1, 1, 1, 2}));
  EXPECT_EQ(y.values, (std::vector<float>{2.5f, 25}));
}

TEST(Reduce, MeanOverSeparatedAxes) {
  // x[i][j][k] = 4i + 2j + k; the mean over i and k for j=0 is (0+1+4+5)/4.
  Input x{{2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7}};
  auto y = run_op(OpKind::ReduceMean, {x}, reduce_attrs({0, 2}, 0));
  EXPECT_EQ(y.shape, (Shape{2}));
  EXPECT_EQ(y.values, (std::vector<float>{2.5f, 4.5f}));
}

TEST(Reduce, MaxOverNegativeAxisDroppingIt) {
  Input x{{2, 3}, {1, 5, 3, -2, -7, -1}};
  auto y = run_op(OpKind::ReduceMax, {x}, reduce_attrs({-1}, 0));
  EXPECT_EQ(y.shape, (Shape{2}));
  EXPECT_EQ(y.values, (std::vector<float>{5, -1}));
}

TEST(Reduce, MaxOverAllAxes) {
  Input x{{2, 3}, {1, 5, 3, -2, -7, -1}};
  auto y = run_op(OpKind::ReduceMax, {x}, reduce_attrs({0, 1}, 1));
  EXPECT_EQ(y.shape, (Shape{1, 1}));
  EXPECT_EQ(y.values, (std::vector<float>{5}));
}

TEST(Reduce, TfliteMeanTakesConstantAxes) {
  auto options = [](flatbuffers::FlatBufferBuilder& fbb) {
    return tflite::CreateReducerOptions(fbb, /*keep_dims=*/false).Union();
  };
  Input axes{{2}, {}, true, {1, 2}};
  auto y = testing::run_tflite_op(tflite::BuiltinOperator_MEAN, tflite::BuiltinOptions_ReducerOptions,
                                  options, {kNhwc, axes});
  EXPECT_EQ(y.shape, (Shape{1, 2}));
  EXPECT_EQ(y.values, (std::vector<float>{2.5f, 25}));
}

TEST(Reduce, AxisOutOfRangeIsAShapeError) {
  Graph g;
  Tensor t;
  t.shape = {2, 3};
  int x = g.add_tensor(t);
  try {
    g.add_node(OpKind::ReduceMean, "mean", {x}, reduce_attrs({2}, 1));
    FAIL() << "expected a shape error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadShape);
  }
}

TEST(Reduce, OnnxOpset18TakesAxesAsAnInput) {
  onnx::NodeProto node = testing::onnx_node("ReduceMax", {"x", "axes"});
  testing::set_attr(node, "keepdims", int64_t{0});
  auto y =
      testing::run_onnx_node(node, {Input{{2, 3}, {1, 5, 3, -2, -7, -1}}, Input{{1}, {}, true, {0}}}, 18);
  EXPECT_EQ(y.shape, (Shape{3}));
  EXPECT_EQ(y.values, (std::vector<float>{1, 5, 3}));
}

TEST(Reduce, OnnxEmptyAxesReduceEverythingUnlessNoop) {
  Input x{{2, 2}, {1, 2, 3, 6}};
  onnx::NodeProto mean = testing::onnx_node("ReduceMean", {"x"});
  auto all = testing::run_onnx_node(mean, {x}, 18);
  EXPECT_EQ(all.shape, (Shape{1, 1}));
  EXPECT_EQ(all.values, (std::vector<float>{3}));
  testing::set_attr(mean, "noop_with_empty_axes", int64_t{1});
  auto same = testing::run_onnx_node(mean, {x}, 18);
  EXPECT_EQ(same.shape, (Shape{2, 2}));
  EXPECT_EQ(same.values, x.values);
}

TEST(Reduce, OnnxGlobalPoolsReduceTheSpatialAxes) {
  // NCHW [1,2,2,2]: channel 0 holds 1..4, channel 1 holds 10..40.
  Input x{{1, 2, 2, 2}, {1, 2, 3, 4, 10, 20, 30, 40}};
  auto avg = testing::run_onnx_node(testing::onnx_node("GlobalAveragePool", {"x"}), {x}, 13);
  EXPECT_EQ(avg.shape, (Shape{1, 2, 1, 1}));
  EXPECT_EQ(avg.values, (std::vector<float>{2.5f, 25}));
  auto max = testing::run_onnx_node(testing::onnx_node("GlobalMaxPool", {"x"}), {x}, 13);
  EXPECT_EQ(max.values, (std::vector<float>{4, 40}));
}

}  // namespace
}  // namespace octet
