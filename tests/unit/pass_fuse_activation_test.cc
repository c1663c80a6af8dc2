// fuse_activation: Relu / Relu6 / ReluN1To1 clamps join the op before them.
#include "passes/passes.h"
#include "pass_test_util.h"

namespace octet {
namespace {

using namespace pass_test;

Attributes clip(float lo, float hi) { return attrs_of({{"min", lo}, {"max", hi}}); }

std::string activation(const Graph& g, size_t node) { return g.nodes.at(node).attrs.get_string("activation", "none"); }

TEST(PassFuseActivation, FusesEachClampIntoItsProducer) {
  Graph g;
  const int x = add_input(g, "x", {1, 4, 4, 2});
  int y = add(g, OpKind::Conv2D, "conv", {x, add_constant(g, "w", {2, 1, 1, 2})});
  y = add(g, OpKind::Relu, "relu", {y});
  y = add(g, OpKind::Add, "add", {y, add_constant(g, "c", {2})});
  y = add(g, OpKind::Clip, "relu6", {y}, clip(0, 6));
  y = add(g, OpKind::MaxPool2D, "pool", {y}, attrs_of({{"kernel", std::vector<int64_t>{2, 2}}}));
  y = add(g, OpKind::Clip, "relu_n1", {y}, clip(-1, 1));
  y = add(g, OpKind::Reshape, "flat", {y}, attrs_of({{"shape", std::vector<int64_t>{1, 18}}}));
  y = add(g, OpKind::FullyConnected, "fc", {y, add_constant(g, "fc.w", {3, 18})});
  g.outputs = {add(g, OpKind::Clip, "relu_inf", {y}, clip(0, INFINITY))};
  const Graph before = g;
  const Graph after = fuse_activation(g);
  ASSERT_EQ(after.nodes.size(), 5u);
  EXPECT_EQ(activation(after, 0), "relu");
  EXPECT_EQ(activation(after, 1), "relu6");
  EXPECT_EQ(activation(after, 2), "relu_n1_to_1");
  EXPECT_EQ(activation(after, 4), "relu");
  EXPECT_EQ(after.tensor(after.outputs[0]).name, "relu_inf");
  expect_same_outputs(before, after);
}

TEST(PassFuseActivation, ComposesWithAnActivationAlreadyFused) {
  Graph g;
  const int x = add_input(g, "x", {2, 3});
  const int sum = add(g, OpKind::Add, "add", {x, x}, attrs_of({{"activation", std::string("relu")}}));
  g.outputs = {add(g, OpKind::Clip, "relu6", {sum}, clip(0, 6))};
  const Graph before = g;
  const Graph after = fuse_activation(g);
  ASSERT_EQ(after.nodes.size(), 1u);
  EXPECT_EQ(activation(after, 0), "relu6");
  expect_same_outputs(before, after);
}

// Reasons, in node order, for the clamps that stay.
std::vector<std::string> reasons_for(Graph& g) {
  std::vector<std::string> reasons;
  apply_patterns(g, fuse_activation_patterns(),
                 [&](const Pattern&, const Node&, const MatchResult& r) { reasons.push_back(r.reason()); });
  return reasons;
}

TEST(PassFuseActivation, SaysWhyAClampStays) {
  Graph g;
  const int x = add_input(g, "x", {1, 2, 2, 2});
  const int concat = add(g, OpKind::Concat, "concat", {x, x}, attrs_of({{"axis", int64_t{3}}}));
  const int a = add(g, OpKind::Relu, "a", {concat});
  const int up = add(g, OpKind::ConvTranspose2D, "up", {x, add_constant(g, "w", {2, 1, 1, 2})});
  const int b = add(g, OpKind::Relu, "b", {up});
  const int shared = add(g, OpKind::Mul, "shared", {x, x});
  const int c = add(g, OpKind::Relu, "c", {shared});
  const int sub = add(g, OpKind::Sub, "sub", {x, x});
  const int d = add(g, OpKind::Clip, "d", {sub}, clip(0, 4));
  const int e = add(g, OpKind::Relu, "e", {x});
  g.outputs = {a, b, c, shared, d, e};
  EXPECT_EQ(reasons_for(g), (std::vector<std::string>{
                                "Concat has no fused activation in TFLite",
                                "ConvTranspose2D has no fused activation in TFLite",
                                "the producer's output has other readers or is a graph output",
                                "the clamp to [0.000000, 4.000000] is not a TFLite activation",
                                "the input has no producing node",
                            }));
  EXPECT_EQ(count_op(g, OpKind::Relu) + count_op(g, OpKind::Clip), 5);
}

}  // namespace
}  // namespace octet
