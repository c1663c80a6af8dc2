// remove_identity: Identity nodes vanish; graph outputs keep their names.
#include "passes/passes.h"
#include "pass_test_util.h"

namespace octet {
namespace {

using namespace pass_test;

TEST(PassRemoveIdentity, RewiresReadersToTheInput) {
  Graph g;
  const int x = add_input(g, "x", {2, 3});
  const int r = add(g, OpKind::Relu, "r", {x});
  const int i = add(g, OpKind::Identity, "dropout", {r});
  g.outputs = {add(g, OpKind::Sigmoid, "y", {i})};
  const Graph before = g;
  const Graph after = remove_identity(g);
  EXPECT_EQ(dump(after),
            "input %x:float32[2,3]\n"
            "%r:float32[2,3] = Relu(%x:float32[2,3])  # r\n"
            "%y:float32[2,3] = Sigmoid(%r:float32[2,3])  # y\n"
            "output %y:float32[2,3]\n");
  expect_same_outputs(before, after);
}

TEST(PassRemoveIdentity, AGraphOutputKeepsItsName) {
  Graph g;
  const int x = add_input(g, "x", {4});
  const int r = add(g, OpKind::Relu, "r", {x});
  g.outputs = {add(g, OpKind::Identity, "output", {r})};
  const Graph before = g;
  const Graph after = remove_identity(g);
  EXPECT_EQ(dump(after),
            "input %x:float32[4]\n"
            "%output:float32[4] = Relu(%x:float32[4])  # r\n"
            "output %output:float32[4]\n");
  expect_same_outputs(before, after);
}

TEST(PassRemoveIdentity, KeepsAnIdentityFromGraphInputToGraphOutput) {
  Graph g;
  const int x = add_input(g, "x", {4});
  g.outputs = {add(g, OpKind::Identity, "y", {x})};
  std::string reason;
  apply_patterns(g, remove_identity_patterns(), [&](const Pattern&, const Node&, const MatchResult& r) { reason = r.reason(); });
  EXPECT_EQ(count_op(g, OpKind::Identity), 1);
  EXPECT_EQ(reason, "its output is a graph output and its input has no producer to rename");
}

}  // namespace
}  // namespace octet
