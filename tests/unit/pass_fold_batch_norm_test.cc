// fold_batch_norm: BatchNorm folds into Conv2D / ConvTranspose2D /
// FullyConnected weights and bias, or becomes Mul + Add.
#include "passes/passes.h"
#include "pass_test_util.h"

namespace octet {
namespace {

using namespace pass_test;

// BatchNorm parameters for `channels` channels; var stays positive.
int batch_norm(Graph& g, const std::string& name, int x, int64_t channels, int64_t axis) {
  std::vector<float> var = seeded_values(channels, 7);
  for (float& v : var) v = v * v + 0.1f;
  return add(g, OpKind::BatchNorm, name,
             {x, add_constant(g, name + ".scale", {channels}), add_constant(g, name + ".bias", {channels}),
              add_constant(g, name + ".mean", {channels}), add_constant(g, name + ".var", {channels}, var)},
             attrs_of({{"axis", axis}, {"epsilon", 1e-3f}}));
}

TEST(PassFoldBatchNorm, FoldsIntoConv2DWithoutBias) {
  Graph g;
  const int x = add_input(g, "x", {1, 5, 5, 3});
  const int conv = add(g, OpKind::Conv2D, "conv", {x, add_constant(g, "w", {4, 3, 3, 3})},
                       attrs_of({{"pads", std::vector<int64_t>{1, 1, 1, 1}}}));
  g.outputs = {batch_norm(g, "bn", conv, 4, 3)};
  const Graph before = g;
  const Graph after = fold_batch_norm(g);
  ASSERT_EQ(after.nodes.size(), 1u);
  const Node& folded = after.nodes[0];
  EXPECT_EQ(folded.op, OpKind::Conv2D);
  ASSERT_TRUE(folded.has_input(2));
  EXPECT_EQ(after.tensor(folded.inputs[2]).shape, (Shape{4}));
  EXPECT_EQ(after.tensor(after.outputs[0]).name, "bn");
  expect_same_outputs(before, after);
}

TEST(PassFoldBatchNorm, FoldsIntoDepthwiseConvTransposeAndFullyConnected) {
  Graph g;
  const int x = add_input(g, "x", {1, 4, 4, 2});
  int y = add(g, OpKind::Conv2D, "dw", {x, add_constant(g, "dw.w", {2, 3, 3, 1}), add_constant(g, "dw.b", {2})},
              attrs_of({{"group", int64_t{2}}, {"pads", std::vector<int64_t>{1, 1, 1, 1}}}));
  y = batch_norm(g, "bn1", y, 2, -1);
  y = add(g, OpKind::ConvTranspose2D, "up", {y, add_constant(g, "up.w", {3, 2, 2, 2})},
          attrs_of({{"strides", std::vector<int64_t>{2, 2}}}));
  y = batch_norm(g, "bn2", y, 3, 3);
  y = add(g, OpKind::Reshape, "flat", {y}, attrs_of({{"shape", std::vector<int64_t>{1, 192}}}));
  y = add(g, OpKind::FullyConnected, "fc", {y, add_constant(g, "fc.w", {5, 192}), add_constant(g, "fc.b", {5})});
  g.outputs = {batch_norm(g, "bn3", y, 5, 1)};
  const Graph before = g;
  const Graph after = fold_batch_norm(g);
  EXPECT_EQ(count_op(after, OpKind::BatchNorm), 0);
  EXPECT_EQ(after.nodes.size(), 4u);
  expect_same_outputs(before, after, 1e-4f);
}

TEST(PassFoldBatchNorm, WithoutALayerBeforeItBecomesMulAndAdd) {
  Graph g;
  const int x = add_input(g, "x", {1, 3, 4, 4});
  const int r = add(g, OpKind::Relu, "r", {x});
  g.outputs = {batch_norm(g, "bn", r, 3, 1)};
  const Graph before = g;
  const Graph after = fold_batch_norm(g);
  ASSERT_EQ(after.nodes.size(), 3u);
  EXPECT_EQ(after.nodes[1].op, OpKind::Mul);
  EXPECT_EQ(after.nodes[2].op, OpKind::Add);
  // NCHW: the per-channel constants broadcast as [C,1,1].
  EXPECT_EQ(after.tensor(after.nodes[1].inputs[1]).shape, (Shape{3, 1, 1}));
  EXPECT_EQ(after.tensor(after.nodes[2].inputs[1]).shape, (Shape{3, 1, 1}));
  expect_same_outputs(before, after);
}

TEST(PassFoldBatchNorm, DoesNotFoldPastAFusedActivationOrASharedOutput) {
  Graph g;
  const int x = add_input(g, "x", {1, 4, 4, 2});
  const int relu_conv = add(g, OpKind::Conv2D, "relu_conv", {x, add_constant(g, "w1", {2, 1, 1, 2})},
                            attrs_of({{"activation", std::string("relu")}}));
  const int a = batch_norm(g, "bn_a", relu_conv, 2, 3);
  const int conv = add(g, OpKind::Conv2D, "conv", {x, add_constant(g, "w2", {2, 1, 1, 2})});
  const int b = batch_norm(g, "bn_b", conv, 2, 3);
  g.outputs = {a, b, conv};
  std::vector<std::string> reasons;
  apply_patterns(g, fold_batch_norm_patterns(), [&](const Pattern& p, const Node&, const MatchResult& r) {
    if (std::string(p.name) == "batch_norm_into_layer") reasons.push_back(r.reason());
  });
  EXPECT_EQ(reasons, (std::vector<std::string>{"the layer clamps its output before the normalization",
                                               "the layer's output has other readers"}));
  EXPECT_EQ(count_op(g, OpKind::Conv2D), 2);
  EXPECT_EQ(count_op(g, OpKind::Mul), 2);
}

}  // namespace
}  // namespace octet
