// fold_add_into_bias: a per-channel constant Add joins the layer's bias.
#include "passes/passes.h"
#include "pass_test_util.h"

namespace octet {
namespace {

using namespace pass_test;

TEST(PassFoldAddIntoBias, BiaslessFullyConnectedGetsTheAddAsBias) {
  Graph g;
  const int x = add_input(g, "x", {2, 4});
  const int fc = add(g, OpKind::FullyConnected, "fc", {x, add_constant(g, "w", {3, 4})});
  g.outputs = {add(g, OpKind::Add, "plus", {add_constant(g, "b", {1, 3}, {0.5f, -1.0f, 2.0f}), fc},
                   attrs_of({{"activation", std::string("relu")}}))};
  const Graph before = g;
  const Graph after = fold_add_into_bias(g);
  ASSERT_EQ(after.nodes.size(), 1u);
  const Node& layer = after.nodes[0];
  EXPECT_EQ(layer.op, OpKind::FullyConnected);
  ASSERT_TRUE(layer.has_input(2));
  EXPECT_EQ(constant_floats(after.tensor(layer.inputs[2])), (std::vector<float>{0.5f, -1.0f, 2.0f}));
  EXPECT_EQ(layer.attrs.get_string("activation", ""), "relu");  // the Add's clamp moves with it
  EXPECT_EQ(after.tensor(after.outputs[0]).name, "plus");
  expect_same_outputs(before, after);
}

TEST(PassFoldAddIntoBias, ConvolutionBiasAddsAScalar) {
  Graph g;
  const int x = add_input(g, "x", {1, 4, 4, 2});
  const int conv = add(g, OpKind::Conv2D, "conv",
                       {x, add_constant(g, "w", {3, 3, 3, 2}), add_constant(g, "b", {3}, {1.0f, 2.0f, 3.0f})});
  g.outputs = {add(g, OpKind::Add, "plus", {conv, add_constant(g, "k", {}, {0.25f})})};
  const Graph before = g;
  const Graph after = fold_add_into_bias(g);
  ASSERT_EQ(after.nodes.size(), 1u);
  EXPECT_EQ(constant_floats(after.tensor(after.nodes[0].inputs[2])), (std::vector<float>{1.25f, 2.25f, 3.25f}));
  expect_same_outputs(before, after);
}

TEST(PassFoldAddIntoBias, KeepsAddsThatAreNotAPerChannelBias) {
  Graph g;
  const int x = add_input(g, "x", {1, 4, 4, 2});
  const int w = add_constant(g, "w", {3, 1, 1, 2});
  std::vector<int> outputs;
  // A constant that varies along the width, not only along the channels.
  outputs.push_back(add(g, OpKind::Add, "spatial",
                        {add(g, OpKind::Conv2D, "conv_a", {x, w}), add_constant(g, "per_column", {4, 1})}));
  // The layer clamps before the Add.
  outputs.push_back(add(g, OpKind::Add, "after_relu",
                        {add(g, OpKind::Conv2D, "conv_b", {x, w}, attrs_of({{"activation", std::string("relu")}})),
                         add_constant(g, "c1", {3})}));
  // The layer's output is read by another node too.
  const int shared = add(g, OpKind::Conv2D, "conv_c", {x, w});
  outputs.push_back(add(g, OpKind::Add, "shared", {shared, add_constant(g, "c2", {3})}));
  outputs.push_back(shared);
  // Both operands computed.
  outputs.push_back(add(g, OpKind::Add, "two_layers", {add(g, OpKind::Conv2D, "conv_d", {x, w}), add(g, OpKind::Conv2D, "conv_e", {x, w})}));
  g.outputs = outputs;
  std::vector<std::string> reasons;
  apply_patterns(g, fold_add_into_bias_patterns(),
                 [&](const Pattern&, const Node&, const MatchResult& r) { reasons.push_back(r.reason()); });
  EXPECT_EQ(reasons, (std::vector<std::string>{"the constant is not one value per output channel",
                                               "the layer clamps its output before the Add",
                                               "the layer's output has other readers", "neither operand is constant"}));
  EXPECT_EQ(count_op(g, OpKind::Add), 4);
}

}  // namespace
}  // namespace octet
