// Pad: constant / reflect / edge kernels (reflect folds repeatedly, like
// numpy), ONNX negative pads (crops), TFLite PADV2. Hand-derived values.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include "import/onnx_importer.h"
#include "runtime/engine.h"
#include "single_op_harness.h"

namespace octet {
namespace {

using testing::Input;

Attributes pad(std::vector<int64_t> pads, const std::string& mode, float value = 0) {
  Attributes attrs;
  attrs.set("pads", std::move(pads));
  attrs.set("mode", mode);
  attrs.set("value", value);
  return attrs;
}

TEST(Pad, ReflectFoldsAgainWhenThePadExceedsTheInput) {
  // [1,2,3] mirrored about its ends repeats with period 4: ...,1,2,3,2,1,2,3,...
  auto y = testing::run_op(OpKind::Pad, {Input{{3}, {1, 2, 3}}}, pad({4, 4}, "reflect"));
  EXPECT_EQ(y.values, (std::vector<float>{1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3}));
}

TEST(Pad, EdgeRepeatsTheBorder) {
  // One row before, two columns after.
  auto y = testing::run_op(OpKind::Pad, {Input{{2, 2}, {1, 2, 3, 4}}}, pad({1, 0, 0, 2}, "edge"));
  EXPECT_EQ(y.shape, (Shape{3, 4}));
  EXPECT_EQ(y.values, (std::vector<float>{1, 2, 2, 2, 1, 2, 2, 2, 3, 4, 4, 4}));
}

TEST(Pad, ConstantOnInt64) {
  Graph g;
  int x = g.add_tensor(make_constant<int64_t>("x", {2}, {5, 6}));
  int n = g.add_node(OpKind::Pad, "p", {x}, pad({1, 2}, "constant", 7));
  evaluate_constant_node(g, g.nodes[n]);
  EXPECT_EQ(constant_ints(g.tensor(g.nodes[n].outputs[0])), (std::vector<int64_t>{7, 5, 6, 7, 7}));
}

// Imports one ONNX Pad node (opset 13: pads as a constant input) on a 1-D input.
testing::Result onnx_pad(const std::vector<float>& x, std::vector<int64_t> pads, const std::string& mode) {
  onnx::NodeProto proto;
  proto.set_op_type("Pad");
  proto.add_input("x");
  proto.add_input("pads");
  proto.add_output("y");
  auto* attr = proto.add_attribute();
  attr->set_name("mode");
  attr->set_type(onnx::AttributeProto::STRING);
  attr->set_s(mode);
  Graph g;
  std::unordered_map<std::string, int> values;
  const Input input{{static_cast<int64_t>(x.size())}, x};
  values["x"] = testing::add_input(g, input, "x");
  values["pads"] = g.add_tensor(make_constant<int64_t>("pads", {2}, pads));
  OnnxNodeImporter importer(g, values, proto, 13);
  for (const OpDef* def : all_op_defs())
    for (const OnnxMapping& m : def->onnx)
      if (std::string(m.op_type) == "Pad") m.import(importer);
  g.outputs = {values.at("y")};
  return testing::run_graph(g, {input});
}

TEST(Pad, OnnxNegativePadsCrop) {
  EXPECT_EQ(onnx_pad({1, 2, 3, 4, 5}, {-1, 2}, "constant").values, (std::vector<float>{2, 3, 4, 5, 0, 0}));
  // Reflect first (3,2 | 1..5), then crop 3 from the end.
  EXPECT_EQ(onnx_pad({1, 2, 3, 4, 5}, {2, -3}, "reflect").values, (std::vector<float>{3, 2, 1, 2}));
}

TEST(Pad, TflitePadV2UsesTheConstantValue) {
  auto y = testing::run_tflite_op(tflite::BuiltinOperator_PADV2, tflite::BuiltinOptions_NONE, testing::no_options,
                                  {Input{{1, 2}, {1, 2}}, Input{{2, 2}, {}, false, {0, 1, 1, 0}},
                                   Input{{1}, {9}, true}});
  EXPECT_EQ(y.shape, (Shape{2, 3}));
  EXPECT_EQ(y.values, (std::vector<float>{9, 1, 2, 9, 9, 9}));
}

}  // namespace
}  // namespace octet
