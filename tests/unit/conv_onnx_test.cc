// ONNX Conv / ConvTranspose mappings on the cases ONNX's own node tests leave
// out (1-D, grouped, depthwise, SAME_UPPER, rejected forms). Hand-derived values.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include "import/onnx_importer.h"
#include "single_op_harness.h"

namespace octet {
namespace {

using testing::Input;

void set_ints(onnx::NodeProto& node, const std::string& name, const std::vector<int64_t>& values) {
  auto* attr = node.add_attribute();
  attr->set_name(name);
  attr->set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values) attr->add_ints(v);
}

void set_int(onnx::NodeProto& node, const std::string& name, int64_t value) {
  auto* attr = node.add_attribute();
  attr->set_name(name);
  attr->set_type(onnx::AttributeProto::INT);
  attr->set_i(value);
}

void set_string(onnx::NodeProto& node, const std::string& name, const std::string& value) {
  auto* attr = node.add_attribute();
  attr->set_name(name);
  attr->set_type(onnx::AttributeProto::STRING);
  attr->set_s(value);
}

// Imports `node` (inputs named in0, in1, ... after `inputs`) and runs it.
testing::Result run_onnx(onnx::NodeProto node, const std::vector<Input>& inputs) {
  Graph g;
  std::unordered_map<std::string, int> values;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string name = "in" + std::to_string(i);
    node.add_input(name);
    values[name] = testing::add_input(g, inputs[i], name);
  }
  node.add_output("y");
  OnnxNodeImporter importer(g, values, node, 13);
  testing::import_with_registry(importer);
  g.outputs = {values.at("y")};
  return testing::run_graph(g, inputs);
}

onnx::NodeProto node_of(const std::string& op_type) {
  onnx::NodeProto node;
  node.set_op_type(op_type);
  return node;
}

TEST(OnnxConv, OneDimensionalWithPadsStridesAndBias) {
  // x [1,2,3,4,5] padded to [0,1,2,3,4,5,0]; windows at 0, 2, 4 are [0,1,2],
  // [2,3,4], [4,5,0]. Filter 0 is [1,0,-1] (+10), filter 1 sums (+20).
  onnx::NodeProto node = node_of("Conv");
  set_ints(node, "pads", {1, 1});
  set_ints(node, "strides", {2});
  auto y = run_onnx(node, {{{1, 1, 5}, {1, 2, 3, 4, 5}},
                           {{2, 1, 3}, {1, 0, -1, 1, 1, 1}, true},
                           {{2}, {10, 20}, true}});
  EXPECT_EQ(y.shape, (Shape{1, 2, 3}));
  EXPECT_EQ(y.values, (std::vector<float>{8, 8, 14, 23, 29, 29}));
}

TEST(OnnxConv, GroupsReadTheirOwnChannels) {
  // Channels [1,2 | 3,4]: output 0 = 1*1 + 1*2, output 1 = 10*3 + 100*4.
  onnx::NodeProto node = node_of("Conv");
  set_int(node, "group", 2);
  auto y = run_onnx(node, {{{1, 4, 1, 1}, {1, 2, 3, 4}}, {{2, 2, 1, 1}, {1, 1, 10, 100}, true}});
  EXPECT_EQ(y.shape, (Shape{1, 2, 1, 1}));
  EXPECT_EQ(y.values, (std::vector<float>{3, 430}));
}

TEST(OnnxConv, Depthwise) {
  // Channel 0 [1,2,4] with filter [1,-1]; channel 1 [1,3,5] with [2,2].
  onnx::NodeProto node = node_of("Conv");
  set_int(node, "group", 2);
  auto y = run_onnx(node, {{{1, 2, 1, 3}, {1, 2, 4, 1, 3, 5}}, {{2, 1, 1, 2}, {1, -1, 2, 2}, true}});
  EXPECT_EQ(y.shape, (Shape{1, 2, 1, 2}));
  EXPECT_EQ(y.values, (std::vector<float>{-1, -2, 8, 16}));
}

TEST(OnnxConv, SameUpperAndSameLowerPlaceTheOddPadDifferently) {
  // x [1,2,3,4], filter [1,10], stride 1: one pixel of padding in total.
  for (const std::string mode : {"SAME_UPPER", "SAME_LOWER"}) {
    onnx::NodeProto node = node_of("Conv");
    set_string(node, "auto_pad", mode);
    auto y = run_onnx(node, {{{1, 1, 1, 4}, {1, 2, 3, 4}}, {{1, 1, 1, 2}, {1, 10}, true}});
    std::vector<float> want = mode == "SAME_UPPER" ? std::vector<float>{21, 32, 43, 4}   // pad after
                                                   : std::vector<float>{10, 21, 32, 43};  // pad before
    EXPECT_EQ(y.values, want) << mode;
  }
}

void expect_unsupported(const onnx::NodeProto& node, const std::vector<Input>& inputs, const std::string& why) {
  try {
    run_onnx(node, inputs);
    FAIL() << "expected Unsupported (" << why << ")";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unsupported) << e.what();
    EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
  }
}

TEST(OnnxConv, RejectsNonConstantWeightsAnd3D) {
  expect_unsupported(node_of("Conv"), {{{1, 1, 2, 2}, {1, 2, 3, 4}}, {{1, 1, 1, 1}, {2}}}, "must be constant");
  expect_unsupported(node_of("Conv"), {{{1, 1, 1, 1, 1}, {1}}, {{1, 1, 1, 1, 1}, {2}, true}}, "3-D");
  expect_unsupported(node_of("ConvTranspose"), {{{1, 1, 2, 2}, {1, 2, 3, 4}}, {{1, 1, 1, 1}, {2}}},
                     "must be constant");
}

TEST(OnnxConvTranspose, GroupedWeightsMapToTheirOutputChannels) {
  // W [C=2, O/group=2, 1, 1]: input channel 0 feeds outputs 0-1 with [1,2],
  // input channel 1 feeds outputs 2-3 with [3,4].
  onnx::NodeProto node = node_of("ConvTranspose");
  set_int(node, "group", 2);
  auto y = run_onnx(node, {{{1, 2, 1, 1}, {1, 2}}, {{2, 2, 1, 1}, {1, 2, 3, 4}, true}});
  EXPECT_EQ(y.shape, (Shape{1, 4, 1, 1}));
  EXPECT_EQ(y.values, (std::vector<float>{1, 2, 6, 8}));
}

TEST(OnnxConvTranspose, OutputShapeLargerThanTheScatterAddsOutputPadding) {
  // x [1,2], kernel [1,10], stride 2: the scatter [1,10,2,20] spans 4 pixels;
  // output_shape 5 leaves a last pixel holding only the bias 0.5.
  onnx::NodeProto node = node_of("ConvTranspose");
  set_ints(node, "strides", {2});
  set_ints(node, "output_shape", {5});
  auto y = run_onnx(node, {{{1, 1, 2}, {1, 2}}, {{1, 1, 2}, {1, 10}, true}, {{1}, {0.5f}, true}});
  EXPECT_EQ(y.shape, (Shape{1, 1, 5}));
  EXPECT_EQ(y.values, (std::vector<float>{1.5f, 10.5f, 2.5f, 20.5f, 0.5f}));
}

}  // namespace
}  // namespace octet
