// fold_pad_into_conv: a zero spatial Pad joins the convolution's padding.
#include "passes/passes.h"
#include "pass_test_util.h"

namespace octet {
namespace {

using namespace pass_test;

Attributes pad_attrs(std::vector<int64_t> pads, const std::string& mode = "constant", float value = 0) {
  return attrs_of({{"pads", std::move(pads)}, {"mode", mode}, {"value", value}});
}

TEST(PassFoldPadIntoConv, AddsSpatialZeroPadsToTheConvolution) {
  Graph g;
  const int x = add_input(g, "x", {1, 5, 6, 2});
  const int padded = add(g, OpKind::Pad, "pad", {x}, pad_attrs({0, 1, 2, 0, 0, 0, 1, 0}));
  g.outputs = {add(g, OpKind::Conv2D, "conv", {padded, add_constant(g, "w", {3, 3, 3, 2})},
                   attrs_of({{"pads", std::vector<int64_t>{1, 0, 0, 1}}, {"strides", std::vector<int64_t>{2, 1}}}))};
  const Graph before = g;
  const Graph after = fold_pad_into_conv(g);
  ASSERT_EQ(after.nodes.size(), 1u);
  EXPECT_EQ(after.nodes[0].attrs.get_ints("pads"), (std::vector<int64_t>{2, 2, 0, 2}));
  EXPECT_EQ(after.nodes[0].inputs[0], after.inputs[0]);
  expect_same_outputs(before, after);
}

TEST(PassFoldPadIntoConv, KeepsPadsThatAreNotZeroSpatialPadding) {
  Graph g;
  const int x = add_input(g, "x", {1, 4, 4, 2});
  const int w = add_constant(g, "w", {2, 3, 3, 2});
  std::vector<int> outputs;
  for (const auto& [name, attrs] : std::vector<std::pair<std::string, Attributes>>{
           {"one", pad_attrs({0, 1, 1, 0, 0, 1, 1, 0}, "constant", 1.0f)},
           {"reflect", pad_attrs({0, 1, 1, 0, 0, 1, 1, 0}, "reflect")},
           {"batch", pad_attrs({1, 1, 1, 0, 0, 1, 1, 0})}}) {
    outputs.push_back(add(g, OpKind::Conv2D, name + "_conv", {add(g, OpKind::Pad, name, {x}, attrs), w}));
  }
  const int pooled = add(g, OpKind::AvgPool2D, "pool", {add(g, OpKind::Pad, "before_pool", {x}, pad_attrs({0, 1, 1, 0, 0, 1, 1, 0}))},
                         attrs_of({{"kernel", std::vector<int64_t>{3, 3}}}));
  outputs.push_back(pooled);
  g.outputs = outputs;
  std::vector<std::string> reasons;
  apply_patterns(g, fold_pad_into_conv_patterns(),
                 [&](const Pattern&, const Node&, const MatchResult& r) { reasons.push_back(r.reason()); });
  EXPECT_EQ(reasons, (std::vector<std::string>{"the Pad's value is not 0", "the Pad is not in constant mode",
                                               "the Pad pads the batch or channel dimension"}));
  EXPECT_EQ(count_op(g, OpKind::Pad), 4);
}

}  // namespace
}  // namespace octet
