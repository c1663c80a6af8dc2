// nchw_to_nhwc: graphs shaped like the ONNX importer's output (every NHWC op
// between NCHW->NHWC and NHWC->NCHW transposes) lose their transposes and
// compute the same values.
#include "ops/op_def.h"
#include "passes/passes.h"
#include "pass_test_util.h"

namespace octet {
namespace {

using namespace pass_test;

const std::vector<int64_t> kToNhwc{0, 2, 3, 1}, kToNchw{0, 3, 1, 2};

// An ONNX Conv as the importer builds it: NCHW in, NCHW out.
int onnx_conv(Graph& g, const std::string& name, int x, int64_t out_channels, int64_t kernel = 3) {
  const int64_t in_channels = g.tensor(x).shape[1], pad = kernel / 2;
  const int nhwc = transpose(g, name + "/in", x, kToNhwc);
  const int y = add(g, OpKind::Conv2D, name, {nhwc, add_constant(g, name + ".w", {out_channels, kernel, kernel, in_channels})},
                    attrs_of({{"pads", std::vector<int64_t>{pad, pad, pad, pad}}}));
  return transpose(g, name + "/out", y, kToNchw);
}

int onnx_max_pool(Graph& g, const std::string& name, int x) {
  const int y = add(g, OpKind::MaxPool2D, name, {transpose(g, name + "/in", x, kToNhwc)},
                    attrs_of({{"kernel", std::vector<int64_t>{2, 2}}, {"strides", std::vector<int64_t>{2, 2}}}));
  return transpose(g, name + "/out", y, kToNchw);
}

Graph passed(const Graph& g) { return nchw_to_nhwc(g); }

TEST(PassNchwToNhwc, ConvBlocksWithBatchNormConcatAndResidualAdd) {
  Graph g;
  const int x = add_input(g, "x", {1, 3, 8, 8});
  int y = onnx_conv(g, "conv1", x, 4);
  y = add(g, OpKind::BatchNorm, "bn",
          {y, add_constant(g, "s", {4}), add_constant(g, "b", {4}), add_constant(g, "m", {4}),
           add_constant(g, "v", {4}, {1, 2, 3, 4})},
          attrs_of({{"axis", int64_t{1}}}));
  y = add(g, OpKind::Clip, "relu6", {y}, attrs_of({{"min", 0.0f}, {"max", 6.0f}}));
  const int left = onnx_conv(g, "left", y, 2, 1), right = onnx_conv(g, "right", y, 2, 3);
  y = add(g, OpKind::Concat, "concat", {left, right}, attrs_of({{"axis", int64_t{1}}}));
  y = add(g, OpKind::Add, "residual", {y, onnx_conv(g, "skip", x, 4, 1)});
  y = add(g, OpKind::Add, "bias", {y, add_constant(g, "bias.c", {4, 1, 1})});
  y = add(g, OpKind::Relu, "relu", {y});
  y = onnx_max_pool(g, "pool", y);
  y = add(g, OpKind::ReduceMean, "gap", {y}, attrs_of({{"axes", std::vector<int64_t>{2, 3}}, {"keepdims", int64_t{1}}}));
  y = add(g, OpKind::Reshape, "flatten", {y}, attrs_of({{"shape", std::vector<int64_t>{1, 4}}}));
  y = add(g, OpKind::FullyConnected, "fc", {y, add_constant(g, "fc.w", {3, 4})});
  g.outputs = {add(g, OpKind::Softmax, "softmax", {y}, attrs_of({{"axis", int64_t{1}}}))};

  const Graph after = passed(g);
  EXPECT_EQ(count_op(after, OpKind::Transpose), 0) << dump(after);
  EXPECT_EQ(after.tensor(after.inputs[0]).shape, (Shape{1, 8, 8, 3}));
  EXPECT_EQ(histogram_string(after),
            "Add=2 BatchNorm=1 Clip=1 Concat=1 Conv2D=4 FullyConnected=1 MaxPool2D=1 ReduceMean=1 Relu=1 Reshape=1 "
            "Softmax=1");
  for (const Node& n : after.nodes) {
    if (n.op == OpKind::BatchNorm || n.op == OpKind::Concat) {
      EXPECT_EQ(n.attrs.get_int("axis", 0), 3) << n.name;
    }
    if (n.op == OpKind::ReduceMean) {
      EXPECT_EQ(n.attrs.get_ints("axes"), (std::vector<int64_t>{1, 2}));
    }
    if (n.op == OpKind::Add && n.name == "bias") {
      EXPECT_EQ(after.tensor(n.inputs[1]).shape, (Shape{4}));
    }
  }
  expect_same_outputs(g, after);
}

TEST(PassNchwToNhwc, FlattenBeforeFullyConnectedPermutesTheWeights) {
  Graph g;
  const int x = add_input(g, "x", {2, 1, 6, 6});
  int y = onnx_max_pool(g, "pool", onnx_conv(g, "conv", x, 3));
  y = add(g, OpKind::Reshape, "flatten", {y}, attrs_of({{"shape", std::vector<int64_t>{2, 27}}}));
  g.outputs = {add(g, OpKind::FullyConnected, "fc", {y, add_constant(g, "fc.w", {5, 27}), add_constant(g, "fc.b", {5})})};
  const Graph after = passed(g);
  EXPECT_EQ(count_op(after, OpKind::Transpose), 0) << dump(after);
  EXPECT_EQ(histogram_string(after), "Conv2D=1 FullyConnected=1 MaxPool2D=1 Reshape=1");
  expect_same_outputs(g, after);
}

TEST(PassNchwToNhwc, ExplicitNhwcInputTransposeCancels) {
  Graph g;  // tf2onnx: the NHWC input is transposed to NCHW first
  const int x = add_input(g, "x", {1, 5, 5, 2});
  int y = onnx_conv(g, "conv", transpose(g, "to_nchw", x, kToNchw), 3);
  g.outputs = {transpose(g, "to_nhwc", add(g, OpKind::Relu, "relu", {y}), kToNhwc)};
  const Graph after = passed(g);
  EXPECT_EQ(dump(after).find("Transpose"), std::string::npos) << dump(after);
  EXPECT_EQ(after.tensor(after.inputs[0]).shape, (Shape{1, 5, 5, 2}));
  expect_same_outputs(g, after);
}

TEST(PassNchwToNhwc, AxisOpsFollowTheTranspose) {
  Graph g;
  const int x = add_input(g, "x", {1, 4, 6, 6});
  int y = onnx_conv(g, "conv", x, 6);
  y = add(g, OpKind::Pad, "pad", {y},
          attrs_of({{"pads", std::vector<int64_t>{0, 0, 1, 2, 0, 0, 2, 1}}, {"mode", std::string("constant")}, {"value", 0.0f}}));
  y = add(g, OpKind::Slice, "slice", {y},
          attrs_of({{"starts", std::vector<int64_t>{0, 1, 0, 1}}, {"ends", std::vector<int64_t>{1, 6, 9, 9}},
                    {"steps", std::vector<int64_t>{1, 2, 1, 1}}}));
  const int parts = g.add_node(OpKind::Split, "split", {y}, attrs_of({{"axis", int64_t{1}}, {"split", std::vector<int64_t>{1, 2}}}), 2);
  const int first = g.nodes[parts].outputs[0], second = g.nodes[parts].outputs[1];
  y = add(g, OpKind::Gather, "gather", {second, g.add_tensor(make_constant<int64_t>("idx", {2}, {1, 0}))},
          attrs_of({{"axis", int64_t{1}}}));
  y = add(g, OpKind::Mul, "mul", {y, first});
  y = onnx_conv(g, "conv2", y, 2);
  y = add(g, OpKind::LogSoftmax, "logsoftmax", {y}, attrs_of({{"axis", int64_t{1}}}));
  g.outputs = {add(g, OpKind::ReduceMax, "max", {y}, attrs_of({{"axes", std::vector<int64_t>{1, -1}}, {"keepdims", int64_t{0}}}))};
  const Graph after = passed(g);
  EXPECT_EQ(count_op(after, OpKind::Transpose), 0) << dump(after);
  expect_same_outputs(g, after);
}

TEST(PassNchwToNhwc, SqueezingReshapeAndUnitDimTransposesBecomeReshapes) {
  Graph g;  // SqueezeNet's head: softmax over [N,C,1,1], which is a graph output
  const int x = add_input(g, "x", {1, 2, 4, 4});
  int y = onnx_conv(g, "conv", x, 5, 1);
  y = add(g, OpKind::ReduceMean, "gap", {y}, attrs_of({{"axes", std::vector<int64_t>{2, 3}}, {"keepdims", int64_t{1}}}));
  const int probabilities = add(g, OpKind::Softmax, "softmax", {y}, attrs_of({{"axis", int64_t{1}}}));
  const int squeezed = add(g, OpKind::Reshape, "squeeze", {y}, attrs_of({{"shape", std::vector<int64_t>{1, 5}}}));
  g.outputs = {probabilities, add(g, OpKind::Sigmoid, "sigmoid", {squeezed})};
  const Graph after = passed(g);
  EXPECT_EQ(count_op(after, OpKind::Transpose), 0) << dump(after);
  EXPECT_EQ(after.tensor(after.outputs[0]).shape, (Shape{1, 5, 1, 1}));
  expect_same_outputs(g, after);
}

TEST(PassNchwToNhwc, OneDimensionalConvSqueezesCommuteWithReorderedDims) {
  Graph g;  // Conv1d as imported: [N,C,L] -> [N,C,1,L] -> NHWC -> Conv2D -> NCHW -> [N,C,L]
  const int x = add_input(g, "x", {1, 3, 7});
  auto conv1d = [&](const std::string& name, int in, int64_t out_channels) {
    const int64_t length = g.tensor(in).shape[2];
    const int unsqueezed = add(g, OpKind::Reshape, name + "/unsqueeze", {in},
                               attrs_of({{"shape", std::vector<int64_t>{1, g.tensor(in).shape[1], 1, length}}}));
    const int y = onnx_conv(g, name, unsqueezed, out_channels, 1);
    return add(g, OpKind::Reshape, name + "/squeeze", {y},
               attrs_of({{"shape", std::vector<int64_t>{1, out_channels, length}}}));
  };
  int y = conv1d("conv1", x, 4);
  y = add(g, OpKind::Relu, "relu", {y});
  y = add(g, OpKind::Softmax, "softmax", {y}, attrs_of({{"axis", int64_t{1}}}));
  g.outputs = {conv1d("conv2", y, 2)};
  const Graph after = passed(g);
  // Between the convolutions the [N,C,L] tensors become [N,L,C]: no Transpose
  // is left there, only the ones at the model's NCL input and output.
  EXPECT_EQ(count_op(after, OpKind::Transpose), 2) << dump(after);
  for (const Node& n : after.nodes) {
    if (n.op == OpKind::Softmax) {
      EXPECT_EQ(after.tensor(n.inputs[0]).shape, (Shape{1, 7, 4}));
      EXPECT_EQ(n.attrs.get_int("axis", 0), 2);
    }
  }
  expect_same_outputs(g, after);
}

TEST(PassNchwToNhwc, ReductionWithoutKeepdimsTransposesWhatIsLeft) {
  Graph g;
  const int x = add_input(g, "x", {2, 3, 4, 5});
  const int y = onnx_conv(g, "conv", x, 6, 1);
  g.outputs = {add(g, OpKind::ReduceMean, "mean", {y}, attrs_of({{"axes", std::vector<int64_t>{2}}, {"keepdims", int64_t{0}}}))};
  const Graph after = passed(g);
  ASSERT_EQ(count_op(after, OpKind::Transpose), 1) << dump(after);
  for (const Node& n : after.nodes) {
    if (n.op == OpKind::ReduceMean) {
      EXPECT_EQ(n.attrs.get_ints("axes"), (std::vector<int64_t>{1}));
    }
    if (n.op == OpKind::Transpose) {  // [N,W,C] back to [N,C,W]
      EXPECT_EQ(n.attrs.get_ints("perm"), (std::vector<int64_t>{0, 2, 1}));
    }
  }
  expect_same_outputs(g, after);
}

TEST(PassNchwToNhwc, KeepsAnNchwInputThatIsAlsoReadDirectly) {
  Graph g;
  const int x = add_input(g, "x", {1, 2, 3, 3});
  const int y = onnx_conv(g, "conv", x, 2, 1);
  g.outputs = {add(g, OpKind::Add, "sum", {y, add(g, OpKind::Sigmoid, "direct", {x})})};
  std::vector<std::string> reasons;
  Graph after = g;
  apply_patterns(after, nchw_to_nhwc_patterns(), [&](const Pattern& p, const Node&, const MatchResult& r) {
    if (std::string(p.name) == "input_to_nhwc") reasons.push_back(r.reason());
  });
  ASSERT_FALSE(reasons.empty());
  EXPECT_EQ(reasons[0], "the graph input is read by a node other than an NCHW->NHWC Transpose");
  EXPECT_EQ(after.tensor(after.inputs[0]).shape, (Shape{1, 2, 3, 3}));
  expect_same_outputs(g, after);
}

TEST(PassNchwToNhwc, LeavesATransposeBeforeAnOpThatCannotCommute) {
  Graph g;
  const int x = add_input(g, "x", {1, 3, 4, 4});
  const int y = onnx_conv(g, "conv", x, 4);
  const int other = add_input(g, "other", {1, 4, 4, 4});
  const int sum = add(g, OpKind::Add, "sum", {y, other});
  g.outputs = {add(g, OpKind::MatMul, "matmul", {sum, add_constant(g, "m", {4, 2})})};
  std::vector<std::string> reasons;
  Graph after = g;
  apply_patterns(after, nchw_to_nhwc_patterns(), [&](const Pattern& p, const Node& n, const MatchResult& r) {
    if (n.name == "sum" && std::string(p.name) == "sink_transpose") reasons.push_back(r.reason());
  });
  ASSERT_FALSE(reasons.empty());
  EXPECT_EQ(reasons[0], "input 1 is neither transposed by [0,3,1,2] nor constant");
  EXPECT_EQ(count_op(after, OpKind::Transpose), 1);
  expect_same_outputs(g, after);
}

}  // namespace
}  // namespace octet
