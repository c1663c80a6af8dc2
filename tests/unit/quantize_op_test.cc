// Quantize and Dequantize: the reference kernels against hand-computed values
// (TFLite's rounding: x / scale in float, half away from zero, saturated),
// shape inference, and the TFLite import mappings for runtime (non-constant)
// QUANTIZE / DEQUANTIZE operators.
#include <gtest/gtest.h>

#include <cmath>

#include "graph/error.h"
#include "import/tflite_importer.h"
#include "ops/op_def.h"
#include "ops/quantize.h"
#include "runtime/engine.h"
#include "tflite_test_model.h"

namespace octet {
namespace {

QuantParams per_tensor(float scale, int64_t zero_point) { return {{scale}, {zero_point}, -1}; }

int add_input(Graph& g, DType dtype, Shape shape, QuantParams quant = {}) {
  const int id = g.add_tensor(Tensor{"x", dtype, std::move(shape), nullptr, std::move(quant)});
  g.inputs.push_back(id);
  return id;
}

// Runs a one-node graph on `input` and returns its output as T.
template <typename T, typename In>
std::vector<T> run_one(OpKind op, DType in_dtype, const std::vector<In>& input, Attributes attrs,
                       QuantParams in_quant = {}) {
  Graph g;
  const int x = add_input(g, in_dtype, {static_cast<int64_t>(input.size())}, std::move(in_quant));
  g.outputs = {g.nodes[g.add_node(op, "node", {x}, std::move(attrs))].outputs[0]};
  Engine engine(g);
  const TensorView out = engine.run({input.data()})[0];
  return std::vector<T>(out.as<T>(), out.as<T>() + out.element_count());
}

TEST(QuantizeOp, RoundsHalfAwayFromZeroAndSaturates) {
  // scale 0.5, zero point -1: x / 0.5 = 2.5 -> 3, -2.5 -> -3, 0.24 / 0.5 = 0.48 -> 0.
  const std::vector<float> x{1.25f, -1.25f, 0.24f, 100.0f, -100.0f, NAN};
  const std::vector<int8_t> expected{2, -4, -1, 127, -128, -1};
  EXPECT_EQ(run_one<int8_t>(OpKind::Quantize, DType::Float32, x, quantize_attrs(DType::Int8, per_tensor(0.5f, -1))),
            expected);
}

TEST(QuantizeOp, ToUnsigned) {
  const std::vector<float> x{0.0f, 1.0f, -1.0f, 0.3f};
  // scale 1/128, zero point 128: 0 -> 128, 1 -> 256 saturates to 255, -1 -> 0, 0.3*128 = 38.4 -> 166.
  EXPECT_EQ(run_one<uint8_t>(OpKind::Quantize, DType::Float32, x,
                             quantize_attrs(DType::UInt8, per_tensor(1.0f / 128, 128))),
            (std::vector<uint8_t>{128, 255, 0, 166}));
}

TEST(QuantizeOp, RequantizesWithTflitesFixedPointMultiplier) {
  // uint8 (scale 0.1, zp 128) -> int8 (scale 0.2, zp 0), multiplier 0.5: q=133 is 5 * 0.5 = 2.5 -> 3;
  // q=127 is -1 * 0.5 = -0.5 -> 0 (TFLite's high multiply rounds ties towards +inf).
  const std::vector<uint8_t> q{133, 127, 128, 255};
  EXPECT_EQ(run_one<int8_t>(OpKind::Quantize, DType::UInt8, q,
                            quantize_attrs(DType::Int8, per_tensor(0.2f, 0), per_tensor(0.1f, 128)),
                            per_tensor(0.1f, 128)),
            (std::vector<int8_t>{3, 0, 0, 64}));
}

TEST(QuantizeOp, OutputTensorCarriesTheParameters) {
  Graph g;
  const int x = add_input(g, DType::Float32, {2, 3});
  const int n = g.add_node(OpKind::Quantize, "q", {x}, quantize_attrs(DType::Int8, per_tensor(0.25f, 7)));
  const Tensor& out = g.tensor(g.nodes[n].outputs[0]);
  EXPECT_EQ(out.dtype, DType::Int8);
  EXPECT_EQ(out.shape, (Shape{2, 3}));
  EXPECT_EQ(out.quant.scales, std::vector<float>{0.25f});
  EXPECT_EQ(out.quant.zero_points, std::vector<int64_t>{7});
}

TEST(QuantizeOp, InferenceRejectsBadParameters) {
  Graph g;
  const int x = add_input(g, DType::Float32, {2});
  EXPECT_THROW(g.add_node(OpKind::Quantize, "no_to", {x}, {}), Error);
  EXPECT_THROW(g.add_node(OpKind::Quantize, "zp", {x}, quantize_attrs(DType::Int8, per_tensor(0.1f, 200))), Error);
  EXPECT_THROW(g.add_node(OpKind::Quantize, "scale", {x}, quantize_attrs(DType::Int8, per_tensor(0.0f, 0))), Error);
  const int q = g.add_tensor(Tensor{"q", DType::Int8, {2}, nullptr, per_tensor(0.1f, 0)});
  // An integer input needs its parameters, and they must be the tensor's.
  EXPECT_THROW(g.add_node(OpKind::Quantize, "requant", {q}, quantize_attrs(DType::Int8, per_tensor(0.2f, 0))), Error);
  EXPECT_THROW(g.add_node(OpKind::Dequantize, "deq", {q}, dequantize_attrs(per_tensor(0.3f, 0))), Error);
  EXPECT_NO_THROW(g.add_node(OpKind::Dequantize, "deq_ok", {q}, dequantize_attrs(per_tensor(0.1f, 0))));
}

TEST(DequantizeOp, ScaleTimesOffsetFromZeroPoint) {
  const std::vector<int8_t> q{-128, -3, 0, 127};
  // scale 0.5, zero point -3.
  EXPECT_EQ(run_one<float>(OpKind::Dequantize, DType::Int8, q, dequantize_attrs(per_tensor(0.5f, -3)),
                           per_tensor(0.5f, -3)),
            (std::vector<float>{-62.5f, 0.0f, 1.5f, 65.0f}));
  const std::vector<uint8_t> u{0, 128, 255};
  EXPECT_EQ(run_one<float>(OpKind::Dequantize, DType::UInt8, u, dequantize_attrs(per_tensor(0.25f, 128))),
            (std::vector<float>{-32.0f, 0.0f, 31.75f}));
}

TEST(DequantizeOp, WidensHalfFloats) {
  const std::vector<uint16_t> half{0x3C00, 0xC000, 0x3555};  // 1, -2, 0.333251953125
  EXPECT_EQ(run_one<float>(OpKind::Dequantize, DType::Float16, half, {}),
            (std::vector<float>{1.0f, -2.0f, 0.333251953125f}));
}

// A file x (float) -> QUANTIZE -> q (int8, scale 0.5, zp 1) -> DEQUANTIZE -> y.
std::string quantize_dequantize_file() {
  using namespace tflite_test;
  TestModel m;
  const int x = m.add({"x", tflite::TensorType_FLOAT32, {1, 4}});
  TestTensor q{"q", tflite::TensorType_INT8, {1, 4}};
  q.scales = {0.5f};
  q.zero_points = {1};
  const int qi = m.add(q);
  const int y = m.add({"y", tflite::TensorType_FLOAT32, {1, 4}});
  m.ops = {{tflite::BuiltinOperator_QUANTIZE, {x}, {qi}}, {tflite::BuiltinOperator_DEQUANTIZE, {qi}, {y}}};
  m.inputs = {x};
  m.outputs = {y};
  return m.serialize();
}

// Runs op `index` of the file through its IR op's import mapping.
void import_op(const std::string& file, int index, Graph& g, std::unordered_map<std::string, int>& values,
               OpKind kind) {
  const tflite::Model* model = tflite::GetModel(file.data());
  const tflite::SubGraph* sg = model->subgraphs()->Get(0);
  const tflite::Operator* op = sg->operators()->Get(index);
  const tflite::Tensor* out = sg->tensors()->Get(op->outputs()->Get(0));
  const int input = values.at(sg->tensors()->Get(op->inputs()->Get(0))->name()->str());
  const TfliteMapping& mapping = op_def(kind).tflite.at(0);
  TfliteOpImporter importer(g, values, *op, static_cast<tflite::BuiltinOperator>(mapping.builtin), 1, {input},
                            {out->name()->str()}, out->name()->str(), {out});
  mapping.import(importer);
}

TEST(QuantizeOp, ImportsRuntimeQuantizeAndDequantize) {
  const std::string file = quantize_dequantize_file();
  Graph g;
  std::unordered_map<std::string, int> values{{"x", add_input(g, DType::Float32, {1, 4})}};
  import_op(file, 0, g, values, OpKind::Quantize);
  import_op(file, 1, g, values, OpKind::Dequantize);
  ASSERT_EQ(g.nodes.size(), 2u);
  const Tensor& q = g.tensor(values.at("q"));
  EXPECT_EQ(q.dtype, DType::Int8);
  EXPECT_EQ(q.quant.scales, std::vector<float>{0.5f});
  EXPECT_EQ(q.quant.zero_points, std::vector<int64_t>{1});
  EXPECT_EQ(g.nodes[1].op, OpKind::Dequantize);
  EXPECT_EQ(g.nodes[1].attrs.get_float("scale", 0), 0.5f);
  g.outputs = {values.at("y")};
  // 0.74 / 0.5 = 1.48 -> 1 (+1) -> back to 0.5; 0.75 -> 1.5 -> 2 -> 1.0.
  const std::vector<float> x{0.74f, 0.75f, -3.0f, 100.0f};
  Engine engine(g);
  const TensorView y = engine.run({x.data()})[0];
  EXPECT_EQ(std::vector<float>(y.as<float>(), y.as<float>() + 4), (std::vector<float>{0.5f, 1.0f, -3.0f, 63.0f}));
}

}  // namespace
}  // namespace octet
