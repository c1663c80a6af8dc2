// The TFLite importer on int8-quantized files: the hand-built quantized graph
// written by octet's writer and read back, the int8 files other tools made
// (shared/anchors), small files built here, and the files it refuses (uint8
// or int16 operators, hybrid float/int8 operators).
#include <gtest/gtest.h>

#include <map>

#include "export_test_util.h"
#include "graph/error.h"
#include "import/tflite_importer.h"
#include "ops/quantize.h"
#include "quantized_test_graphs.h"
#include "tflite_test_model.h"

namespace octet {
namespace {

using namespace export_test;
using tflite_test::bytes_of;
using tflite_test::contains;
using tflite_test::error_of;
using tflite_test::import_model;
using tflite_test::TestModel;
using tflite_test::TestOp;
using tflite_test::TestTensor;

void expect_same_quant(const QuantParams& expected, const QuantParams& actual, const std::string& what) {
  EXPECT_EQ(actual.scales, expected.scales) << what;
  EXPECT_EQ(actual.zero_points, expected.zero_points) << what;
  EXPECT_EQ(actual.axis, expected.axis) << what;
}

// Type, shape, quantization and, for constants, every byte.
void expect_same_tensor(const Tensor& expected, const Tensor& actual, const std::string& what) {
  EXPECT_EQ(actual.dtype, expected.dtype) << what;
  EXPECT_EQ(actual.shape, expected.shape) << what;
  expect_same_quant(expected.quant, actual.quant, what);
  EXPECT_EQ(actual.is_constant(), expected.is_constant()) << what;
  if (expected.is_constant() && actual.is_constant()) {
    EXPECT_EQ(*actual.data, *expected.data) << what;
  }
}

// The IR the quantizer would produce, written by write_tflite and imported
// again, is the same graph: ops in order, every operand's type, shape and
// parameters, the weights' bytes (the depthwise filter, stored as
// [1,KH,KW,C] with quantized_dimension 3, back as [C,KH,KW,1] on axis 0) and
// the attributes that say what each op computes.
TEST(TfliteImportQuantized, WrittenQuantizedGraphImportsAsItWasBuilt) {
  const Graph built = quantized_classifier();
  const Graph read = reimport(built, "quantized_classifier");
  ASSERT_EQ(read.nodes.size(), built.nodes.size());
  for (size_t n = 0; n < built.nodes.size(); ++n) {
    const Node &expected = built.nodes[n], &actual = read.nodes[n];
    SCOPED_TRACE(expected.name);
    EXPECT_EQ(actual.op, expected.op);
    ASSERT_EQ(actual.inputs.size(), expected.inputs.size());
    for (size_t i = 0; i < expected.inputs.size(); ++i)
      expect_same_tensor(built.tensor(expected.inputs[i]), read.tensor(actual.inputs[i]),
                         "input " + std::to_string(i));
    ASSERT_EQ(actual.outputs.size(), 1u);
    expect_same_tensor(built.tensor(expected.outputs[0]), read.tensor(actual.outputs[0]), "output");
    EXPECT_EQ(read.tensor(actual.outputs[0]).name, built.tensor(expected.outputs[0]).name);
    for (const char* ints : {"strides", "dilations", "pads", "kernel", "shape"})
      EXPECT_EQ(actual.attrs.get_ints(ints), expected.attrs.get_ints(ints)) << ints;
    EXPECT_EQ(actual.attrs.get_int("group", 1), expected.attrs.get_int("group", 1));
    EXPECT_EQ(actual.attrs.get_string("activation", "none"), expected.attrs.get_string("activation", "none"));
    for (const char* prefix : {"", "input_"})
      expect_same_quant(quant_attrs_of(expected, prefix), quant_attrs_of(actual, prefix), "attributes");
    EXPECT_EQ(actual.attrs.get_int("to", -1), expected.attrs.get_int("to", -1));
  }
  ASSERT_EQ(read.inputs.size(), 1u);
  expect_same_tensor(built.tensor(built.inputs[0]), read.tensor(read.inputs[0]), "graph input");
  ASSERT_EQ(read.outputs.size(), 1u);
  EXPECT_EQ(read.tensor(read.outputs[0]).dtype, DType::Float32);
}

TEST(TfliteImportQuantized, UnsignedEdgesBecomeRequantizingQuantizeNodes) {
  const Graph read = reimport(unsigned_edges_graph(), "unsigned_edges");
  ASSERT_EQ(read.nodes.size(), 3u);
  EXPECT_EQ(read.tensor(read.inputs[0]).dtype, DType::UInt8);
  EXPECT_EQ(read.nodes[0].op, OpKind::Quantize);
  EXPECT_EQ(read.nodes[0].attrs.get_int("to", -1), static_cast<int64_t>(DType::Int8));
  expect_same_quant(per_tensor(1.0f / 255, 0), quant_attrs_of(read.nodes[0], "input_"), "requantize input");
  expect_same_quant(per_tensor(1.0f / 255, -128), read.tensor(read.nodes[1].outputs[0]).quant, "relu");
  EXPECT_EQ(read.tensor(read.outputs[0]).dtype, DType::UInt8);
  expect_same_quant(per_tensor(1.0f / 255, 0), read.tensor(read.outputs[0]).quant, "output");
}

// ---- small files built here ---------------------------------------------------

TestTensor quantized_tensor(const std::string& name, tflite::TensorType type, std::vector<int32_t> shape,
                            float scale, int64_t zero_point) {
  TestTensor t{name, type, std::move(shape)};
  t.scales = {scale};
  t.zero_points = {zero_point};
  return t;
}

// x (int8, scale 0.5, zero point 10) through PADV2, whose padding value is
// the int8 constant 14 (real (14 - 10) * 0.5 = 2), then MAXIMUM with the int8
// constant 4 (real -3): the IR's Pad value and Clip bound are real numbers.
TEST(TfliteImportQuantized, QuantizedScalarOperandsBecomeRealValues) {
  TestModel m;
  const int x = m.add(quantized_tensor("x", tflite::TensorType_INT8, {1, 2, 2, 1}, 0.5f, 10));
  TestTensor paddings{"paddings", tflite::TensorType_INT32, {4, 2}};
  paddings.data = bytes_of(std::vector<int32_t>{0, 0, 1, 1, 1, 1, 0, 0});
  TestTensor value = quantized_tensor("value", tflite::TensorType_INT8, {}, 0.5f, 10);
  value.data = bytes_of(std::vector<int8_t>{14});
  TestTensor bound = quantized_tensor("bound", tflite::TensorType_INT8, {}, 0.5f, 10);
  bound.data = bytes_of(std::vector<int8_t>{4});
  const int p = m.add(paddings), v = m.add(value), b = m.add(bound);
  const int padded = m.add(quantized_tensor("padded", tflite::TensorType_INT8, {1, 4, 4, 1}, 0.5f, 10));
  const int y = m.add(quantized_tensor("y", tflite::TensorType_INT8, {1, 4, 4, 1}, 0.5f, 10));
  m.ops = {{tflite::BuiltinOperator_PADV2, {x, p, v}, {padded}, tflite::ActivationFunctionType_NONE, false, 2},
           {tflite::BuiltinOperator_MAXIMUM, {padded, b}, {y}, tflite::ActivationFunctionType_NONE, false, 2}};
  m.inputs = {x};
  m.outputs = {y};
  const Graph g = import_model(m, "q_padv2.tflite");
  ASSERT_EQ(g.nodes.size(), 2u);
  EXPECT_EQ(g.nodes[0].op, OpKind::Pad);
  EXPECT_EQ(g.nodes[0].attrs.get_float("value", 0.0f), 2.0f);
  EXPECT_EQ(g.nodes[1].op, OpKind::Clip);
  EXPECT_EQ(g.nodes[1].attrs.get_float("min", 0.0f), -3.0f);
  for (const Node& node : g.nodes) {
    EXPECT_EQ(g.tensor(node.outputs[0]).dtype, DType::Int8) << node.name;
    expect_same_quant(per_tensor(0.5f, 10), g.tensor(node.outputs[0]).quant, node.name);
  }
}

// FULLY_CONNECTED flattens a rank-4 input with an intermediate Reshape, which
// keeps the input's parameters; the output takes the file's.
TEST(TfliteImportQuantized, FullyConnectedFlattensWithTheInputParameters) {
  TestModel m;
  const int x = m.add(quantized_tensor("x", tflite::TensorType_INT8, {1, 2, 2, 4}, 0.25f, -3));
  TestTensor weights = quantized_tensor("w", tflite::TensorType_INT8, {3, 16}, 0.01f, 0);
  weights.data = bytes_of(std::vector<int8_t>(48, 7));
  TestTensor bias = quantized_tensor("b", tflite::TensorType_INT32, {3}, 0.25f * 0.01f, 0);
  bias.data = bytes_of(std::vector<int32_t>{100, -200, 300});
  const int w = m.add(weights), b = m.add(bias);
  const int y = m.add(quantized_tensor("y", tflite::TensorType_INT8, {1, 3}, 0.5f, 1));
  m.ops = {{tflite::BuiltinOperator_FULLY_CONNECTED, {x, w, b}, {y}, tflite::ActivationFunctionType_NONE, false, 4}};
  m.inputs = {x};
  m.outputs = {y};
  const Graph g = import_model(m, "q_fc.tflite");
  ASSERT_EQ(g.nodes.size(), 2u);
  EXPECT_EQ(g.nodes[0].op, OpKind::Reshape);
  EXPECT_EQ(g.tensor(g.nodes[0].outputs[0]).shape, (Shape{1, 16}));
  expect_same_quant(per_tensor(0.25f, -3), g.tensor(g.nodes[0].outputs[0]).quant, "flattened");
  EXPECT_EQ(g.nodes[1].op, OpKind::FullyConnected);
  EXPECT_EQ(g.tensor(g.nodes[1].inputs[1]).dtype, DType::Int8);
  EXPECT_EQ(g.tensor(g.nodes[1].inputs[2]).dtype, DType::Int32);
  expect_same_quant(per_tensor(0.25f * 0.01f, 0), g.tensor(g.nodes[1].inputs[2]).quant, "bias");
  expect_same_quant(per_tensor(0.5f, 1), g.tensor(g.outputs[0]).quant, "output");
}

// A DEQUANTIZE of a runtime int8 tensor is a Dequantize node, which the
// float kernel runs: (q - zero point) * scale.
TEST(TfliteImportQuantized, RuntimeDequantizeIsADequantizeNode) {
  TestModel m;
  const int q = m.add(quantized_tensor("q", tflite::TensorType_INT8, {1, 3}, 0.1f, 2));
  const int y = m.add({"y", tflite::TensorType_FLOAT32, {1, 3}});
  m.ops = {{tflite::BuiltinOperator_DEQUANTIZE, {q}, {y}, tflite::ActivationFunctionType_NONE, false, 2}};
  m.inputs = {q};
  m.outputs = {y};
  const Graph g = import_model(m, "q_runtime_dq.tflite");
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].op, OpKind::Dequantize);
  expect_same_quant(per_tensor(0.1f, 2), quant_attrs_of(g.nodes[0], ""), "attributes");
  const std::vector<int8_t> input{-3, 2, 12};
  Engine engine(g);
  const TensorView out = engine.run({input.data()}).at(0);
  EXPECT_FLOAT_EQ(out.as<float>()[0], -0.5f);
  EXPECT_FLOAT_EQ(out.as<float>()[1], 0.0f);
  EXPECT_FLOAT_EQ(out.as<float>()[2], 1.0f);
}

// ADD of two `type` tensors quantized with scale 0.5, zero point 0.
TestModel add_of(tflite::TensorType type) {
  TestModel m;
  const int x = m.add(quantized_tensor("x", type, {1, 3}, 0.5f, 0));
  const int y = m.add(quantized_tensor("y", type, {1, 3}, 0.5f, 0));
  m.ops = {{tflite::BuiltinOperator_ADD, {x, x}, {y}}};
  m.inputs = {x};
  m.outputs = {y};
  return m;
}

TEST(TfliteImportQuantized, Int16AndUint8OperatorsAreRefused) {
  std::string message =
      error_of([] { import_model(add_of(tflite::TensorType_INT16), "q_add16.tflite"); }, ErrorKind::Unsupported);
  EXPECT_TRUE(contains(message, "operator 'y' (ADD v1) computes on int16 tensor 'x'")) << message;
  EXPECT_TRUE(contains(message, "int16-quantized operators are not supported (int8 only)")) << message;
  message = error_of([] { import_model(add_of(tflite::TensorType_UINT8), "q_add_u8.tflite"); }, ErrorKind::Unsupported);
  EXPECT_TRUE(contains(message, "uint8-quantized operators are not supported (int8 only)")) << message;
}

// Dynamic-range quantization: float activations meet int8 weights in the op.
TEST(TfliteImportQuantized, HybridOperatorsAreRefused) {
  TestModel m;
  const int x = m.add({"x", tflite::TensorType_FLOAT32, {1, 3}});
  TestTensor w = quantized_tensor("w", tflite::TensorType_INT8, {1, 3}, 0.5f, 0);
  w.data = bytes_of(std::vector<int8_t>{1, 2, 3});
  const int wi = m.add(w);
  const int y = m.add({"y", tflite::TensorType_FLOAT32, {1, 3}});
  m.ops = {{tflite::BuiltinOperator_ADD, {x, wi}, {y}}};
  m.inputs = {x};
  m.outputs = {y};
  const std::string message = error_of([&] { import_model(m, "q_hybrid.tflite"); }, ErrorKind::Unsupported);
  EXPECT_TRUE(contains(message, "'y' (ADD v1) mixes float32 'y' with int8 'w'")) << message;
  EXPECT_TRUE(contains(message, "hybrid (dynamic-range) quantization is not supported")) << message;
}

// ---- files made by other tools (shared/anchors) -------------------------------

// Every convolution and fully-connected layer: int8 weights quantized per
// output channel on axis 0 (depthwise included, after the importer's
// [1,KH,KW,C] -> [C,KH,KW,1]), and an int32 bias whose scales are input
// scale x weight scale, as TFLite's integer kernels require.
void expect_integer_layers(const Graph& g, int64_t& depthwise_count) {
  for (const Node& node : g.nodes) {
    if (node.op != OpKind::Conv2D && node.op != OpKind::FullyConnected) continue;
    SCOPED_TRACE(node.name);
    const Tensor &x = g.tensor(node.inputs[0]), &w = g.tensor(node.inputs[1]);
    EXPECT_EQ(x.dtype, DType::Int8);
    EXPECT_EQ(w.dtype, DType::Int8);
    EXPECT_TRUE(w.is_constant());
    ASSERT_FALSE(w.quant.empty());
    if (w.quant.scales.size() > 1) {
      EXPECT_EQ(w.quant.axis, 0);
      EXPECT_EQ(static_cast<int64_t>(w.quant.scales.size()), w.shape[0]);
    }
    for (int64_t zero_point : w.quant.zero_points) EXPECT_EQ(zero_point, 0);
    const bool depthwise = node.op == OpKind::Conv2D && node.attrs.get_int("group", 1) > 1;
    if (depthwise) {
      ++depthwise_count;
      EXPECT_EQ(w.shape[3], 1);
      EXPECT_EQ(node.attrs.get_int("group", 1), x.shape[3]);
    }
    ASSERT_EQ(node.inputs.size(), 3u);
    const Tensor& bias = g.tensor(node.inputs[2]);
    EXPECT_EQ(bias.dtype, DType::Int32);
    ASSERT_EQ(bias.quant.scales.size(), w.quant.scales.size());
    for (size_t c = 0; c < bias.quant.scales.size(); ++c)
      EXPECT_NEAR(bias.quant.scales[c], x.quant.scales[0] * w.quant.scales[c], 1e-6 * bias.quant.scales[c]);
    EXPECT_EQ(g.tensor(node.outputs[0]).dtype, DType::Int8);
    EXPECT_EQ(g.tensor(node.outputs[0]).quant.scales.size(), 1u);
  }
}

std::string anchor(const std::string& relative) {
  return (shared_dir() / "anchors" / relative).string();
}

std::map<OpKind, int> op_counts(const Graph& g) {
  std::map<OpKind, int> counts;
  for (const Node& node : g.nodes) ++counts[node.op];
  return counts;
}

// MODELS.md: int8 [1,32,32,3] input with q = pixel - 128 (scale 1, zero point -128).
TEST(TfliteImportQuantized, ResNet8Int8) {
  REQUIRE_SHARED_DIR();
  const Graph g = import_tflite(anchor("cifar10/resnet8_int8.tflite"));
  const Tensor& input = g.tensor(g.inputs.at(0));
  EXPECT_EQ(input.dtype, DType::Int8);
  EXPECT_EQ(input.shape, (Shape{1, 32, 32, 3}));
  expect_same_quant(per_tensor(1.0f, -128), input.quant, "input");
  std::map<OpKind, int> counts = op_counts(g);
  EXPECT_EQ(counts[OpKind::Conv2D], 9);
  EXPECT_EQ(counts[OpKind::Add], 3);
  EXPECT_EQ(counts[OpKind::FullyConnected], 1);
  int64_t depthwise = 0;
  expect_integer_layers(g, depthwise);
  EXPECT_EQ(depthwise, 0);
  // A softmax output in int8 is TFLite's fixed scale 1/256, zero point -128.
  const Tensor& output = g.tensor(g.outputs.at(0));
  EXPECT_EQ(output.dtype, DType::Int8);
  EXPECT_EQ(output.shape, (Shape{1, 10}));
  expect_same_quant(per_tensor(1.0f / 256, -128), output.quant, "output");
}

// MobileNetV1 0.25 at 96x96: 13 depthwise convolutions.
TEST(TfliteImportQuantized, VisualWakeWordsInt8) {
  REQUIRE_SHARED_DIR();
  const Graph g = import_tflite(anchor("vww/person_96_int8.tflite"));
  expect_same_quant(per_tensor(1.0f / 255, -128), g.tensor(g.inputs.at(0)).quant, "input");
  int64_t depthwise = 0;
  expect_integer_layers(g, depthwise);
  EXPECT_EQ(depthwise, 13);
  EXPECT_EQ(g.tensor(g.outputs.at(0)).shape, (Shape{1, 2}));
}

// uint8 input and output around an int8 network: Quantize nodes requantize
// at both ends (MODELS.md: input scale 1/127.5, zero point 127).
TEST(TfliteImportQuantized, MobileNetV2WithUint8Edges) {
  REQUIRE_SHARED_DIR();
  const Graph g = import_tflite(anchor("imagenet/tf2_mobilenet_v2_1.0_224_ptq.tflite"));
  const Tensor& input = g.tensor(g.inputs.at(0));
  EXPECT_EQ(input.dtype, DType::UInt8);
  ASSERT_EQ(input.quant.scales.size(), 1u);
  EXPECT_FLOAT_EQ(input.quant.scales[0], 1.0f / 127.5f);
  EXPECT_EQ(input.quant.zero_points[0], 127);
  const Node &first = g.nodes.front(), &last = g.nodes.back();
  EXPECT_EQ(first.op, OpKind::Quantize);
  EXPECT_EQ(first.attrs.get_int("to", -1), static_cast<int64_t>(DType::Int8));
  expect_same_quant(input.quant, quant_attrs_of(first, "input_"), "first requantize");
  EXPECT_EQ(last.op, OpKind::Quantize);
  EXPECT_EQ(last.attrs.get_int("to", -1), static_cast<int64_t>(DType::UInt8));
  EXPECT_EQ(g.tensor(g.outputs.at(0)).dtype, DType::UInt8);
  EXPECT_EQ(g.tensor(g.outputs.at(0)).shape, (Shape{1, 1001}));
  std::map<OpKind, int> counts = op_counts(g);
  EXPECT_EQ(counts[OpKind::Quantize], 2);
  EXPECT_EQ(counts[OpKind::Conv2D], 53);  // 36 CONV_2D + 17 DEPTHWISE_CONV_2D
  int64_t depthwise = 0;
  expect_integer_layers(g, depthwise);
  EXPECT_EQ(depthwise, 17);
}

// Old TOCO releases compute in uint8 (asymmetric weights included).
TEST(TfliteImportQuantized, Uint8MobileNetV1IsRefused) {
  REQUIRE_SHARED_DIR();
  const std::string path = anchor("imagenet/mobilenet_v1_0.25_224_quant.tflite");
  const std::string message = error_of([&] { import_tflite(path); }, ErrorKind::Unsupported);
  EXPECT_TRUE(contains(message, path)) << message;
  EXPECT_TRUE(contains(message, "uint8-quantized operators are not supported (int8 only)")) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

}  // namespace
}  // namespace octet
