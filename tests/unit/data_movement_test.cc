// Concat, Split, Gather, Reshape, Cast and Identity-family imports on the
// dtypes exporters' shape chains use (int64, int32, uint8), plus the ONNX
// mappings that resolve shapes at import time (Reshape 0/-1, Unsqueeze,
// Shape, Expand) and TFLite CONCATENATION / SPLIT_V. Hand-derived values.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cmath>

#include "import/onnx_importer.h"
#include "runtime/engine.h"
#include "single_op_harness.h"

namespace octet {
namespace {

// Adds a node on constant inputs and folds it; returns its outputs.
std::vector<Tensor> fold(OpKind op, std::vector<Tensor> inputs, Attributes attrs, int num_outputs = 1) {
  Graph g;
  std::vector<int> ids;
  for (Tensor& t : inputs) ids.push_back(g.add_tensor(std::move(t)));
  const int n = g.add_node(op, "op", ids, std::move(attrs), num_outputs);
  evaluate_constant_node(g, g.nodes[n]);
  std::vector<Tensor> outs;
  for (int t : g.nodes[n].outputs) outs.push_back(g.tensor(t));
  return outs;
}

Attributes axis(int64_t a) {
  Attributes attrs;
  attrs.set("axis", a);
  return attrs;
}

template <typename T>
std::vector<T> values_of(const Tensor& t) {
  return std::vector<T>(t.data_as<T>(), t.data_as<T>() + t.element_count());
}

TEST(Concat, Int64ShapePieces) {
  auto y = fold(OpKind::Concat, {make_constant<int64_t>("a", {2}, {1, -1}), make_constant<int64_t>("b", {1}, {7})},
                axis(0));
  EXPECT_EQ(values_of<int64_t>(y[0]), (std::vector<int64_t>{1, -1, 7}));
}

TEST(Split, UInt8WithAnEmptyPiece) {
  Attributes attrs = axis(1);
  attrs.set("split", std::vector<int64_t>{1, 0, 2});
  auto y = fold(OpKind::Split, {make_constant<uint8_t>("x", {2, 3}, {1, 2, 3, 4, 5, 6})}, attrs, 3);
  EXPECT_EQ(y[0].shape, (Shape{2, 1}));
  EXPECT_EQ(y[1].shape, (Shape{2, 0}));
  EXPECT_EQ(values_of<uint8_t>(y[0]), (std::vector<uint8_t>{1, 4}));
  EXPECT_EQ(values_of<uint8_t>(y[2]), (std::vector<uint8_t>{2, 3, 5, 6}));
}

TEST(Gather, NegativeIndicesAndIndexShape) {
  const Tensor data = make_constant<int64_t>("d", {3, 2}, {10, 11, 20, 21, 30, 31});
  auto rows = fold(OpKind::Gather, {data, make_constant<int32_t>("i", {1, 2}, {-1, 0})}, axis(0));
  EXPECT_EQ(rows[0].shape, (Shape{1, 2, 2}));
  EXPECT_EQ(values_of<int64_t>(rows[0]), (std::vector<int64_t>{30, 31, 10, 11}));
  auto column = fold(OpKind::Gather, {data, make_constant<int64_t>("i", {}, {1})}, axis(1));
  EXPECT_EQ(column[0].shape, (Shape{3}));
  EXPECT_EQ(values_of<int64_t>(column[0]), (std::vector<int64_t>{11, 21, 31}));
}

TEST(Gather, OutOfRangeIndexIsBadInput) {
  try {
    fold(OpKind::Gather, {make_constant<float>("d", {2}, {1, 2}), make_constant<int64_t>("i", {1}, {2})}, axis(0));
    FAIL() << "expected BadInput";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
  }
}

Attributes cast_to(DType t) {
  Attributes attrs;
  attrs.set("to", static_cast<int64_t>(t));
  return attrs;
}

TEST(Cast, FloatToIntegersTruncatesAndSaturates) {
  const Tensor x = make_constant<float>("x", {6}, {-1.7f, 2.9f, 300, -300, NAN, 1e20f});
  EXPECT_EQ(values_of<int8_t>(fold(OpKind::Cast, {x}, cast_to(DType::Int8))[0]),
            (std::vector<int8_t>{-1, 2, 127, -128, 0, 127}));
  EXPECT_EQ(values_of<uint8_t>(fold(OpKind::Cast, {x}, cast_to(DType::UInt8))[0]),
            (std::vector<uint8_t>{0, 2, 255, 0, 0, 255}));
  EXPECT_EQ(values_of<int32_t>(fold(OpKind::Cast, {x}, cast_to(DType::Int32))[0]),
            (std::vector<int32_t>{-1, 2, 300, -300, 0, 2147483647}));
}

TEST(Cast, BoolAndInt64) {
  const Tensor x = make_constant<float>("x", {3}, {0.0f, -0.5f, 2.0f});
  const Tensor b = fold(OpKind::Cast, {x}, cast_to(DType::Bool))[0];
  EXPECT_EQ(b.dtype, DType::Bool);
  EXPECT_EQ(values_of<int32_t>(fold(OpKind::Cast, {b}, cast_to(DType::Int32))[0]), (std::vector<int32_t>{0, 1, 1}));
  const Tensor big = make_constant<int64_t>("i", {2}, {-3, 1LL << 40});
  EXPECT_EQ(values_of<float>(fold(OpKind::Cast, {big}, cast_to(DType::Float32))[0]),
            (std::vector<float>{-3.0f, 1099511627776.0f}));
}

// ---- ONNX mappings -----------------------------------------------------------

struct OnnxNode {
  onnx::NodeProto proto;
  Graph graph;
  std::unordered_map<std::string, int> values;

  explicit OnnxNode(const std::string& op_type) { proto.set_op_type(op_type); }
  void input(const std::string& name, Tensor t) {
    proto.add_input(name);
    t.name = name;
    values[name] = graph.add_tensor(std::move(t));
  }
  void ints_attr(const std::string& name, std::vector<int64_t> v) {
    auto* a = proto.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t i : v) a->add_ints(i);
  }
  void int_attr(const std::string& name, int64_t v) {
    auto* a = proto.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  // Imports at `opset`; returns output 0, which is constant as every input is.
  const Tensor& import(int opset) {
    proto.add_output("y");
    OnnxNodeImporter importer(graph, values, proto, opset);
    for (const OpDef* def : all_op_defs())
      for (const OnnxMapping& m : def->onnx)
        if (m.op_type == proto.op_type()) m.import(importer);
    return graph.tensor(values.at("y"));
  }
};

Tensor zeros(Shape shape) { return make_constant<float>("", shape, std::vector<float>(element_count(shape), 0)); }

TEST(OnnxReshape, ZeroCopiesAndMinusOneInfers) {
  OnnxNode node("Reshape");
  node.input("x", zeros({2, 3, 4}));
  node.input("shape", make_constant<int64_t>("", {2}, {0, -1}));
  EXPECT_EQ(node.import(13).shape, (Shape{2, 12}));
}

TEST(OnnxReshape, AllowZeroKeepsALiteralZero) {
  OnnxNode node("Reshape");
  node.input("x", zeros({0, 3, 4}));
  node.input("shape", make_constant<int64_t>("", {3}, {3, 4, 0}));
  node.int_attr("allowzero", 1);
  EXPECT_EQ(node.import(14).shape, (Shape{3, 4, 0}));
}

TEST(OnnxUnsqueeze, AxesInputCountsInTheOutput) {
  OnnxNode node("Unsqueeze");
  node.input("x", zeros({3}));
  node.input("axes", make_constant<int64_t>("", {2}, {-1, 0}));
  EXPECT_EQ(node.import(13).shape, (Shape{1, 3, 1}));
}

TEST(OnnxShape, StartAndEndSelectDimensions) {
  OnnxNode node("Shape");
  node.input("x", zeros({2, 3, 4, 5}));
  node.int_attr("start", 1);
  node.int_attr("end", -1);
  const Tensor& y = node.import(15);
  EXPECT_EQ(y.dtype, DType::Int64);
  EXPECT_EQ(values_of<int64_t>(y), (std::vector<int64_t>{3, 4}));
}

TEST(OnnxExpand, BroadcastsBothWays) {
  OnnxNode node("Expand");
  node.input("x", make_constant<int64_t>("", {3, 1}, {1, 2, 3}));
  node.input("shape", make_constant<int64_t>("", {3}, {2, 1, 2}));
  const Tensor& y = node.import(13);
  EXPECT_EQ(y.shape, (Shape{2, 3, 2}));
  EXPECT_EQ(values_of<int64_t>(y), (std::vector<int64_t>{1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3}));
}

TEST(OnnxSplit, Opset18NumOutputsMakesTheLastPieceSmaller) {
  OnnxNode node("Split");
  node.input("x", make_constant<float>("", {5}, {1, 2, 3, 4, 5}));
  node.int_attr("num_outputs", 2);
  node.proto.add_output("first");
  node.import(18);
  EXPECT_EQ(node.graph.tensor(node.values.at("first")).shape, (Shape{3}));
  EXPECT_EQ(node.graph.tensor(node.values.at("y")).shape, (Shape{2}));
}

// ---- TFLite mappings ---------------------------------------------------------

TEST(TfliteConcatenation, FusedReluClampsTheResult) {
  auto options = [](flatbuffers::FlatBufferBuilder& fbb) {
    return tflite::CreateConcatenationOptions(fbb, 1, tflite::ActivationFunctionType_RELU).Union();
  };
  auto y = testing::run_tflite_op(tflite::BuiltinOperator_CONCATENATION, tflite::BuiltinOptions_ConcatenationOptions,
                                  options, {testing::Input{{1, 2}, {-1, 2}}, testing::Input{{1, 2}, {3, -4}}});
  EXPECT_EQ(y.shape, (Shape{1, 4}));
  EXPECT_EQ(y.values, (std::vector<float>{0, 2, 3, 0}));
}

TEST(TfliteSplitV, MinusOneTakesTheRest) {
  flatbuffers::FlatBufferBuilder fbb;
  fbb.Finish(tflite::CreateOperator(fbb, 0, 0, 0, tflite::BuiltinOptions_SplitVOptions,
                                    tflite::CreateSplitVOptions(fbb, 2).Union()));
  const auto* op = flatbuffers::GetRoot<tflite::Operator>(fbb.GetBufferPointer());
  Graph g;
  std::vector<int> inputs{g.add_tensor(make_constant<float>("x", {1, 6}, {1, 2, 3, 4, 5, 6})),
                          g.add_tensor(make_constant<int32_t>("sizes", {2}, {2, -1})),
                          g.add_tensor(make_constant<int32_t>("axis", {}, {-1}))};
  std::unordered_map<std::string, int> values;
  TfliteOpImporter importer(g, values, *op, tflite::BuiltinOperator_SPLIT_V, 1, inputs, {"a", "b"}, "split");
  for (const OpDef* def : all_op_defs())
    for (const TfliteMapping& m : def->tflite)
      if (m.builtin == tflite::BuiltinOperator_SPLIT_V) m.import(importer);
  EXPECT_EQ(values_of<float>(g.tensor(values.at("a"))), (std::vector<float>{1, 2}));
  EXPECT_EQ(values_of<float>(g.tensor(values.at("b"))), (std::vector<float>{3, 4, 5, 6}));
}

}  // namespace
}  // namespace octet
