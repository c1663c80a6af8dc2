// fold_constants: nodes of constants become constants; graph outputs stay computed.
#include "passes/passes.h"
#include "pass_test_util.h"

namespace octet {
namespace {

using namespace pass_test;

TEST(PassFoldConstants, FoldsAChainOfConstantNodes) {
  Graph g;
  const int x = add_input(g, "x", {2, 3});
  const int a = add_constant(g, "a", {3}, {1, 2, 3});
  const int b = add_constant(g, "b", {3}, {10, 20, 30});
  const int sum = add(g, OpKind::Add, "sum", {a, b});
  const int doubled = add(g, OpKind::Mul, "doubled", {sum, add_constant(g, "two", {}, {2})});
  g.outputs = {add(g, OpKind::Mul, "y", {x, doubled})};
  const Graph before = g;

  const Graph after = fold_constants(g);
  ASSERT_EQ(after.nodes.size(), 1u);
  EXPECT_EQ(after.nodes[0].op, OpKind::Mul);
  const Tensor& folded = after.tensor(after.nodes[0].inputs[1]);
  ASSERT_TRUE(folded.is_constant());
  EXPECT_EQ(constant_floats(folded), (std::vector<float>{22, 44, 66}));
  expect_same_outputs(before, after);
}

TEST(PassFoldConstants, KeepsANodeThatComputesAGraphOutput) {
  Graph g;
  add_input(g, "x", {1});
  const int a = add_constant(g, "a", {2}, {1, 2});
  g.outputs = {add(g, OpKind::Relu, "y", {a})};
  std::vector<std::string> reasons;
  apply_patterns(g, fold_constants_patterns(),
                 [&](const Pattern&, const Node&, const MatchResult& r) { reasons.push_back(r.reason()); });
  EXPECT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(reasons, (std::vector<std::string>{"output 'y' is a graph output"}));
}

TEST(PassFoldConstants, SaysWhichInputIsNotConstant) {
  Graph g;
  const int x = add_input(g, "x", {2});
  g.outputs = {add(g, OpKind::Relu, "y", {x})};
  std::string reason;
  apply_patterns(g, fold_constants_patterns(), [&](const Pattern&, const Node&, const MatchResult& r) { reason = r.reason(); });
  EXPECT_EQ(reason, "input 'x' is not constant");
}

}  // namespace
}  // namespace octet
