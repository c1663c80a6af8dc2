// The TFLite writer's op mappings on small float graphs: each graph is written
// as the expected operators (codes and versions), and importing the file
// again gives a graph that computes the same outputs, bit for bit. The cases
// cover the forms the IR cannot keep one to one: explicit pads that become
// PAD / PADV2 operators, clamps, backward slices, uneven splits, padding
// modes, resize coordinate modes, and normalization over a non-last axis.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "export_test_util.h"
#include "graph/error.h"
#include "tflite_generated.h"

namespace octet {
namespace {

using namespace export_test;

// The written operators as "CODE vVERSION", in execution order.
std::vector<std::string> written_operators(const Bytes& bytes) {
  const tflite::Model* model = tflite::GetModel(bytes.data());
  std::vector<std::string> ops;
  for (const tflite::Operator* op : *model->subgraphs()->Get(0)->operators()) {
    const tflite::OperatorCode* code = model->operator_codes()->Get(op->opcode_index());
    ops.push_back(std::string(tflite::EnumNameBuiltinOperator(code->builtin_code())) + " v" +
                  std::to_string(code->version()));
  }
  return ops;
}

// The graph is written as `ops`, and its reimport computes what it does.
void expect_round_trip(const Graph& graph, const std::vector<std::string>& ops, float input_scale = 1.0f) {
  EXPECT_EQ(written_operators(write_tflite(graph, "octet test")), ops);
  const Graph back = reimport(graph, ::testing::UnitTest::GetInstance()->current_test_info()->name());
  EXPECT_EQ(run_seeded(back, 5, input_scale), run_seeded(graph, 5, input_scale));
}

const tflite::Operator* first_operator(const Bytes& bytes) {
  return tflite::GetModel(bytes.data())->subgraphs()->Get(0)->operators()->Get(0);
}

Attributes conv_attrs(std::vector<int64_t> strides, std::vector<int64_t> dilations, std::vector<int64_t> pads,
                      int64_t group) {
  return attrs_of({{"strides", strides}, {"dilations", dilations}, {"pads", pads}, {"group", group}});
}

Graph conv_graph(Shape input, Shape weights, Attributes attrs) {
  Graph g;
  const int x = add_input(g, "x", input);
  const int w = add_constant(g, "w", weights);
  const int b = add_constant(g, "b", {weights[0]});
  g.outputs = {add(g, OpKind::Conv2D, "conv", {x, w, b}, std::move(attrs))};
  return g;
}

TEST(ExportTfliteConv, SamePadsAreWrittenAsSame) {
  // 8 pixels, kernel 3, stride 2: TFLite's SAME pads 0 before and 1 after.
  const Graph g = conv_graph({1, 8, 8, 3}, {4, 3, 3, 3}, conv_attrs({2, 2}, {1, 1}, {0, 0, 1, 1}, 1));
  expect_round_trip(g, {"CONV_2D v1"});
  const Bytes bytes = write_tflite(g, "");
  EXPECT_EQ(first_operator(bytes)->builtin_options_as_Conv2DOptions()->padding(), tflite::Padding_SAME);
}

TEST(ExportTfliteConv, OtherPadsBecomeAPadOperator) {
  const Graph g = conv_graph({1, 7, 7, 3}, {4, 3, 3, 3}, conv_attrs({2, 2}, {1, 1}, {0, 1, 2, 1}, 1));
  expect_round_trip(g, {"PAD v1", "CONV_2D v1"});
  const Bytes bytes = write_tflite(g, "");
  const tflite::Model* model = tflite::GetModel(bytes.data());
  const tflite::Operator* conv = model->subgraphs()->Get(0)->operators()->Get(1);
  EXPECT_EQ(conv->builtin_options_as_Conv2DOptions()->padding(), tflite::Padding_VALID);
  // The padded tensor is [1, 7+0+2, 7+1+1, 3].
  const tflite::Tensor* padded = model->subgraphs()->Get(0)->tensors()->Get(conv->inputs()->Get(0));
  EXPECT_EQ(std::vector<int32_t>(padded->shape()->begin(), padded->shape()->end()), (std::vector<int32_t>{1, 9, 9, 3}));
}

// TFLite's CONV_2D kernel requires a bias: a node without one gets zeros.
TEST(ExportTfliteConv, MissingBiasIsWrittenAsZeros) {
  Graph g;
  const int x = add_input(g, "x", {1, 5, 5, 2});
  g.outputs = {add(g, OpKind::Conv2D, "conv", {x, add_constant(g, "w", {3, 3, 3, 2})},
                   conv_attrs({1, 1}, {1, 1}, {0, 0, 0, 0}, 1))};
  expect_round_trip(g, {"CONV_2D v1"});
  const Bytes bytes = write_tflite(g, "");
  const tflite::Model* model = tflite::GetModel(bytes.data());
  const tflite::Tensor* bias = model->subgraphs()->Get(0)->tensors()->Get(first_operator(bytes)->inputs()->Get(2));
  EXPECT_EQ(bias->type(), tflite::TensorType_FLOAT32);
  const auto* data = model->buffers()->Get(bias->buffer())->data();
  ASSERT_EQ(data->size(), 12u);
  EXPECT_TRUE(std::all_of(data->begin(), data->end(), [](uint8_t b) { return b == 0; }));
}

TEST(ExportTfliteConv, DilatedDepthwiseWithMultiplier) {
  // 4 channels, multiplier 2; SAME pads of a dilated 3x3 on 9 pixels are 2.
  const Graph g = conv_graph({1, 9, 9, 4}, {8, 3, 3, 1}, conv_attrs({1, 1}, {2, 2}, {2, 2, 2, 2}, 4));
  expect_round_trip(g, {"DEPTHWISE_CONV_2D v2"});
  const Bytes bytes = write_tflite(g, "");
  const auto* options = first_operator(bytes)->builtin_options_as_DepthwiseConv2DOptions();
  EXPECT_EQ(options->depth_multiplier(), 2);
  EXPECT_EQ(options->dilation_h_factor(), 2);
  EXPECT_EQ(options->padding(), tflite::Padding_SAME);
}

TEST(ExportTfliteConv, GroupedConvolutionIsConv2dVersion6) {
  expect_round_trip(conv_graph({1, 6, 6, 4}, {6, 3, 3, 2}, conv_attrs({1, 1}, {1, 1}, {0, 0, 0, 0}, 2)),
                    {"CONV_2D v6"});
}

TEST(ExportTfliteConv, TransposedConvolutionWithSamePads) {
  // Kernel 4, stride 2, 4 -> 8 pixels: TFLite's SAME begin pad is 1.
  Graph g;
  const int x = add_input(g, "x", {1, 4, 4, 3});
  const int w = add_constant(g, "w", {2, 4, 4, 3});
  const int b = add_constant(g, "b", {2});
  g.outputs = {add(g, OpKind::ConvTranspose2D, "deconv", {x, w, b}, conv_attrs({2, 2}, {1, 1}, {1, 1, 1, 1}, 1))};
  expect_round_trip(g, {"TRANSPOSE_CONV v3"});
}

TEST(ExportTfliteConv, TransposedConvolutionRejectsOtherBeginPads) {
  Graph g;
  const int x = add_input(g, "x", {1, 4, 4, 3});
  const int w = add_constant(g, "w", {2, 4, 4, 3});
  g.outputs = {add(g, OpKind::ConvTranspose2D, "deconv", {x, w}, conv_attrs({2, 2}, {1, 1}, {2, 0, 0, 0}, 1))};
  EXPECT_THROW(write_tflite(g, ""), Error);
}

Graph pool_graph(OpKind op, Shape input, Attributes attrs) {
  Graph g;
  g.outputs = {add(g, op, "pool", {add_input(g, "x", std::move(input))}, std::move(attrs))};
  return g;
}

Attributes pool_attrs(std::vector<int64_t> kernel, std::vector<int64_t> strides, std::vector<int64_t> pads) {
  return attrs_of(
      {{"kernel", kernel}, {"strides", strides}, {"dilations", std::vector<int64_t>{1, 1}}, {"pads", pads}});
}

TEST(ExportTflitePool, MaxPoolPadsWithTheLowestValue) {
  expect_round_trip(pool_graph(OpKind::MaxPool2D, {1, 5, 5, 2}, pool_attrs({2, 2}, {2, 2}, {1, 0, 0, 1})),
                    {"PADV2 v1", "MAX_POOL_2D v1"});
}

TEST(ExportTflitePool, AveragePoolCountingPaddingPadsWithZeros) {
  Attributes attrs = pool_attrs({3, 3}, {1, 1}, {1, 1, 1, 1});
  attrs.set("count_include_pad", int64_t{1});
  expect_round_trip(pool_graph(OpKind::AvgPool2D, {1, 4, 4, 2}, attrs), {"PAD v1", "AVERAGE_POOL_2D v1"});
}

TEST(ExportTflitePool, AveragePoolWithSamePads) {
  expect_round_trip(pool_graph(OpKind::AvgPool2D, {1, 4, 4, 2}, pool_attrs({3, 3}, {1, 1}, {1, 1, 1, 1})),
                    {"AVERAGE_POOL_2D v1"});
}

TEST(ExportTflitePool, AveragePoolExcludingOtherPaddingIsRejected) {
  const Graph g = pool_graph(OpKind::AvgPool2D, {1, 4, 4, 2}, pool_attrs({3, 3}, {1, 1}, {2, 0, 0, 0}));
  try {
    write_tflite(g, "");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unsupported);
    EXPECT_NE(std::string(e.what()).find("node 'pool' (AvgPool2D)"), std::string::npos) << e.what();
  }
}

Graph clip_graph(float lo, float hi) {
  Graph g;
  g.outputs = {add(g, OpKind::Clip, "clip", {add_input(g, "x", {2, 3, 4})}, attrs_of({{"min", lo}, {"max", hi}}))};
  return g;
}

TEST(ExportTfliteActivations, ClampsBecomeReluOpsOrMinimumMaximum) {
  expect_round_trip(clip_graph(0, 6), {"RELU6 v1"}, 8.0f);
  expect_round_trip(clip_graph(-1, 1), {"RELU_N1_TO_1 v1"}, 8.0f);
  expect_round_trip(clip_graph(0, INFINITY), {"RELU v1"}, 8.0f);
  expect_round_trip(clip_graph(-2, 3), {"MAXIMUM v1", "MINIMUM v1"}, 8.0f);
  expect_round_trip(clip_graph(-INFINITY, 2.5f), {"MINIMUM v1"}, 8.0f);
  EXPECT_THROW(write_tflite(clip_graph(-INFINITY, INFINITY), ""), Error);
}

TEST(ExportTfliteActivations, ElementwiseChain) {
  Graph g;
  const int x = add_input(g, "x", {1, 3, 4, 5});
  int y = add(g, OpKind::LeakyRelu, "leaky", {x}, attrs_of({{"alpha", 0.2f}}));
  y = add(g, OpKind::PRelu, "prelu", {y, add_constant(g, "slope", {5})});
  y = add(g, OpKind::Sigmoid, "sigmoid", {y});
  y = add(g, OpKind::Tanh, "tanh", {y});
  y = add(g, OpKind::HardSwish, "hard_swish", {y});
  y = add(g, OpKind::Concat, "concat", {y, x}, attrs_of({{"axis", int64_t{-1}}, {"activation", std::string("relu")}}));
  y = add(g, OpKind::LogSoftmax, "log_softmax", {y}, attrs_of({{"axis", int64_t{3}}}));
  g.outputs = {y};
  // TFLite's CONCATENATION kernel rejects a fused activation: RELU follows it.
  expect_round_trip(g, {"LEAKY_RELU v1", "PRELU v1", "LOGISTIC v1", "TANH v1", "HARD_SWISH v1", "CONCATENATION v1",
                        "RELU v1", "LOG_SOFTMAX v1"},
                    4.0f);
}

TEST(ExportTfliteActivations, SoftmaxOverChannelsOfNchwLogits) {
  Graph g;
  const int x = add_input(g, "x", {1, 10, 1, 1});
  g.outputs = {add(g, OpKind::Softmax, "softmax", {x}, attrs_of({{"axis", int64_t{1}}}))};
  expect_round_trip(g, {"RESHAPE v1", "SOFTMAX v1", "RESHAPE v1"}, 5.0f);
  Graph spatial;
  const int s = add_input(spatial, "x", {1, 10, 2, 2});
  spatial.outputs = {add(spatial, OpKind::Softmax, "softmax", {s}, attrs_of({{"axis", int64_t{1}}}))};
  EXPECT_THROW(write_tflite(spatial, ""), Error);
}

TEST(ExportTfliteArithmetic, BinaryOpsWithBroadcastAndActivation) {
  Graph g;
  const int a = add_input(g, "a", {2, 3, 4});
  const int b = add_input(g, "b", {4});
  int y = add(g, OpKind::Add, "add", {a, b}, attrs_of({{"activation", std::string("relu6")}}));
  y = add(g, OpKind::Sub, "sub", {y, b});
  y = add(g, OpKind::Mul, "mul", {y, add_constant(g, "k", {3, 1})});
  g.outputs = {add(g, OpKind::Div, "div", {y, add_constant(g, "d", {1})})};
  expect_round_trip(g, {"ADD v1", "SUB v1", "MUL v1", "DIV v1"}, 5.0f);
}

TEST(ExportTfliteLinear, FullyConnectedKeepsLeadingDimensions) {
  Graph g;
  const int x = add_input(g, "x", {2, 3, 8});
  g.outputs = {add(g, OpKind::FullyConnected, "fc", {x, add_constant(g, "w", {5, 8})})};
  expect_round_trip(g, {"FULLY_CONNECTED v5"});
  const Bytes bytes = write_tflite(g, "");
  EXPECT_EQ(first_operator(bytes)->inputs()->Get(2), -1);  // no bias
  EXPECT_TRUE(first_operator(bytes)->builtin_options_as_FullyConnectedOptions()->keep_num_dims());
}

TEST(ExportTfliteLinear, BatchMatMul) {
  Graph g;
  const int a = add_input(g, "a", {2, 3, 4});
  g.outputs = {add(g, OpKind::MatMul, "matmul", {a, add_input(g, "b", {4, 5})})};
  expect_round_trip(g, {"BATCH_MATMUL v1"});
}

TEST(ExportTfliteData, BackwardSliceUsesEndMask) {
  Graph g;
  const int x = add_input(g, "x", {2, 5, 3});
  g.outputs = {add(g, OpKind::Slice, "slice", {x},
                   attrs_of({{"starts", std::vector<int64_t>{1, 4, 0}},
                             {"ends", std::vector<int64_t>{2, -1, 3}},
                             {"steps", std::vector<int64_t>{1, -2, 1}}}))};
  expect_round_trip(g, {"STRIDED_SLICE v1"});
  EXPECT_EQ(first_operator(write_tflite(g, ""))->builtin_options_as_StridedSliceOptions()->end_mask(), 2);
}

TEST(ExportTfliteData, EqualSplitIsSplitOtherwiseSplitV) {
  Graph g;
  const int x = add_input(g, "x", {2, 6});
  const int n = g.add_node(OpKind::Split, "split", {x},
                           attrs_of({{"axis", int64_t{1}}, {"split", std::vector<int64_t>{3, 3}}}), 2);
  const int m = g.add_node(OpKind::Split, "split_v", {x},
                           attrs_of({{"axis", int64_t{-1}}, {"split", std::vector<int64_t>{1, 4, 1}}}), 3);
  g.outputs = g.nodes[n].outputs;
  g.outputs.insert(g.outputs.end(), g.nodes[m].outputs.begin(), g.nodes[m].outputs.end());
  expect_round_trip(g, {"SPLIT v1", "SPLIT_V v1"});
}

Graph pad_graph(const std::string& mode, std::vector<int64_t> pads, float value) {
  Graph g;
  const int x = add_input(g, "x", {1, 3, 4, 2});
  g.outputs = {add(g, OpKind::Pad, "pad", {x},
                   attrs_of({{"pads", pads}, {"mode", mode}, {"value", value}}))};
  return g;
}

TEST(ExportTfliteData, PaddingModes) {
  expect_round_trip(pad_graph("constant", {0, 1, 0, 0, 0, 2, 1, 0}, 0.0f), {"PAD v1"});
  expect_round_trip(pad_graph("constant", {0, 1, 0, 0, 0, 2, 1, 0}, 1.5f), {"PADV2 v1"});
  expect_round_trip(pad_graph("reflect", {0, 2, 3, 0, 0, 1, 2, 0}, 0.0f), {"MIRROR_PAD v1"});
  expect_round_trip(pad_graph("edge", {0, 1, 1, 0, 0, 1, 0, 0}, 0.0f), {"MIRROR_PAD v1"});
  EXPECT_THROW(write_tflite(pad_graph("reflect", {0, 3, 0, 0, 0, 0, 0, 0}, 0.0f), ""), Error);
  EXPECT_THROW(write_tflite(pad_graph("edge", {0, 2, 0, 0, 0, 0, 0, 0}, 0.0f), ""), Error);
}

Graph resize_graph(const std::string& mode, const std::string& coordinates, const std::string& nearest,
                   std::vector<int64_t> size) {
  Graph g;
  const int x = add_input(g, "x", {1, 4, 6, 2});
  g.outputs = {add(g, OpKind::Resize, "resize", {x},
                   attrs_of({{"size", size}, {"mode", mode}, {"coordinate_transformation_mode", coordinates},
                             {"nearest_mode", nearest}}))};
  return g;
}

TEST(ExportTfliteData, ResizeModes) {
  expect_round_trip(resize_graph("linear", "half_pixel", "floor", {8, 12}), {"RESIZE_BILINEAR v3"});
  expect_round_trip(resize_graph("linear", "align_corners", "floor", {7, 9}), {"RESIZE_BILINEAR v1"});
  expect_round_trip(resize_graph("linear", "asymmetric", "floor", {8, 12}), {"RESIZE_BILINEAR v1"});
  expect_round_trip(resize_graph("nearest", "asymmetric", "floor", {8, 12}), {"RESIZE_NEAREST_NEIGHBOR v1"});
  // PyTorch-style nearest upsampling by 2 picks TFLite's plain pixels.
  expect_round_trip(resize_graph("nearest", "half_pixel", "round_prefer_floor", {8, 12}),
                    {"RESIZE_NEAREST_NEIGHBOR v1"});
  expect_round_trip(resize_graph("nearest", "align_corners", "round_prefer_ceil", {7, 9}),
                    {"RESIZE_NEAREST_NEIGHBOR v3"});
  EXPECT_THROW(write_tflite(resize_graph("linear", "tf_half_pixel_for_nearest", "floor", {8, 12}), ""), Error);
}

TEST(ExportTfliteData, ReductionsGatherTransposeCast) {
  Graph g;
  const int x = add_input(g, "x", {2, 3, 4, 5});
  const int mean = add(g, OpKind::ReduceMean, "mean", {x},
                       attrs_of({{"axes", std::vector<int64_t>{-1, 1}}, {"keepdims", int64_t{0}}}));
  const int max = add(g, OpKind::ReduceMax, "max", {x},
                      attrs_of({{"axes", std::vector<int64_t>{2}}, {"keepdims", int64_t{1}}}));
  const int indices = g.add_tensor(make_constant<int64_t>("indices", {3}, {-1, 0, 2}));
  const int gathered = add(g, OpKind::Gather, "gather", {x, indices}, attrs_of({{"axis", int64_t{2}}}));
  const int transposed = add(g, OpKind::Transpose, "transpose", {gathered},
                             attrs_of({{"perm", std::vector<int64_t>{3, 0, 2, 1}}}));
  const int as_int = add(g, OpKind::Cast, "to_int", {transposed},
                         attrs_of({{"to", static_cast<int64_t>(DType::Int32)}}));
  const int back = add(g, OpKind::Cast, "to_float", {as_int}, attrs_of({{"to", static_cast<int64_t>(DType::Float32)}}));
  g.outputs = {mean, max, back};
  expect_round_trip(g, {"MEAN v1", "REDUCE_MAX v1", "GATHER v1", "TRANSPOSE v1", "CAST v1", "CAST v1"}, 9.0f);
}

TEST(ExportTfliteUnsupported, OpsWithoutTfliteFormNameTheirPass) {
  Graph g;
  const int x = add_input(g, "x", {1, 3});
  g.outputs = {add(g, OpKind::Identity, "copy", {x})};
  try {
    write_tflite(g, "");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unsupported);
    EXPECT_NE(std::string(e.what()).find("node 'copy' (Identity)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("remove_identity"), std::string::npos) << e.what();
  }
  Graph bn;
  const int y = add_input(bn, "y", {1, 2, 3, 3});
  std::vector<int> operands{y};
  for (const char* name : {"scale", "bias", "mean", "var"}) operands.push_back(add_constant(bn, name, {2}));
  bn.outputs = {add(bn, OpKind::BatchNorm, "bn", operands, attrs_of({{"axis", int64_t{1}}}))};
  try {
    write_tflite(bn, "");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("fold_batch_norm"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace octet
