// FullyConnected, MatMul and BatchNorm kernels and their ONNX / TFLite
// mappings (TFLite FULLY_CONNECTED keep_num_dims, BATCH_MATMUL adjoints, ONNX
// Gemm and MatMul becoming FullyConnected). Hand-derived values.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include "import/onnx_importer.h"
#include "single_op_harness.h"

namespace octet {
namespace {

using testing::Input;
using testing::Result;

// x rows [1,2,3] and [4,5,6]; w rows [1,0,-1] and [1,1,1]; bias [10,20].
const Input kX{{2, 3}, {1, 2, 3, 4, 5, 6}};
const Input kW{{2, 3}, {1, 0, -1, 1, 1, 1}, true};
const Input kBias{{2}, {10, 20}, true};

TEST(FullyConnected, ProductWithBiasAndActivation) {
  Result r = testing::run_op(OpKind::FullyConnected, {kX, kW, kBias});
  EXPECT_EQ(r.shape, (Shape{2, 2}));
  EXPECT_EQ(r.values, (std::vector<float>{8, 26, 8, 35}));
  Attributes relu1;
  relu1.set("activation", std::string("relu_n1_to_1"));
  EXPECT_EQ(testing::run_op(OpKind::FullyConnected, {kX, kW}, relu1).values, (std::vector<float>{-1, 1, -1, 1}));
}

TEST(FullyConnected, KeepsLeadingDimensions) {
  Result r = testing::run_op(OpKind::FullyConnected, {{{1, 2, 1, 3}, kX.values}, kW});
  EXPECT_EQ(r.shape, (Shape{1, 2, 1, 2}));
  EXPECT_EQ(r.values, (std::vector<float>{-2, 6, -2, 15}));
}

TEST(MatMul, BroadcastsBatchesAndHandlesVectors) {
  // a [2,1,2,2] against b [3,2,2]: out [2,3,2,2], a's matrix i times b's j.
  const std::vector<float> a{1, 0, 0, 1, 2, 0, 0, 2};                          // I and 2I
  const std::vector<float> b{1, 2, 3, 4, 0, 1, 1, 0, -1, 0, 0, -1};             // B0, B1, B2
  Result r = testing::run_op(OpKind::MatMul, {{{2, 1, 2, 2}, a}, {{3, 2, 2}, b}});
  EXPECT_EQ(r.shape, (Shape{2, 3, 2, 2}));
  std::vector<float> want(b);
  for (float v : b) want.push_back(2 * v);
  EXPECT_EQ(r.values, want);
  // [2] x [2,3]: a row vector; [2,3] x [3]: a column vector; both drop the unit dim.
  Input m{{2, 3}, {1, 2, 3, 4, 5, 6}};
  EXPECT_EQ(testing::run_op(OpKind::MatMul, {{{2}, {1, 10}}, m}).values, (std::vector<float>{41, 52, 63}));
  Result col = testing::run_op(OpKind::MatMul, {m, {{3}, {1, 0, -1}}});
  EXPECT_EQ(col.shape, (Shape{2}));
  EXPECT_EQ(col.values, (std::vector<float>{-2, -2}));
}

TEST(BatchNorm, NormalizesAlongTheAxis) {
  // [1,2,2] with axis 1, epsilon 1. Channel 0 (values 1,3): mean 1, var 3,
  // scale 4, bias 1 -> (x-1)/2*4+1. Channel 1 (values 2,4): mean 0, var 0,
  // scale 1, bias -1 -> x-1.
  Attributes attrs;
  attrs.set("axis", int64_t{1});
  attrs.set("epsilon", 1.0f);
  Result r = testing::run_op(OpKind::BatchNorm, {{{1, 2, 2}, {1, 3, 2, 4}}, {{2}, {4, 1}, true}, {{2}, {1, -1}, true},
                                                 {{2}, {1, 0}, true}, {{2}, {3, 0}, true}},
                             attrs);
  EXPECT_EQ(r.values, (std::vector<float>{1, 5, 1, 3}));
}

// --- TFLite ---------------------------------------------------------------------

Result tflite_fc(bool keep_num_dims, const Input& x) {
  auto options = [keep_num_dims](flatbuffers::FlatBufferBuilder& fbb) {
    return tflite::CreateFullyConnectedOptions(fbb, tflite::ActivationFunctionType_NONE,
                                               tflite::FullyConnectedOptionsWeightsFormat_DEFAULT, keep_num_dims)
        .Union();
  };
  return testing::run_tflite_op(tflite::BuiltinOperator_FULLY_CONNECTED,
                                tflite::BuiltinOptions_FullyConnectedOptions, options, {x, kW, kBias});
}

TEST(TfliteFullyConnected, KeepNumDims) {
  Result r = tflite_fc(true, {{2, 1, 3}, kX.values});
  EXPECT_EQ(r.shape, (Shape{2, 1, 2}));
  EXPECT_EQ(r.values, (std::vector<float>{8, 26, 8, 35}));
}

TEST(TfliteFullyConnected, WithoutKeepNumDimsFlattensToRowsOfK) {
  // [1,6] is read as two rows of 3, whatever its own shape.
  Result r = tflite_fc(false, {{1, 6}, kX.values});
  EXPECT_EQ(r.shape, (Shape{2, 2}));
  EXPECT_EQ(r.values, (std::vector<float>{8, 26, 8, 35}));
  EXPECT_EQ(tflite_fc(false, {{2, 1, 3}, kX.values}).shape, (Shape{2, 2}));
}

TEST(TfliteBatchMatMul, AdjointsTransposeTheLastTwoDims) {
  // x^T with x [[1,3],[2,4]] is [[1,2],[3,4]]; y^T with y [[1,0],[1,1]] is [[1,1],[0,1]].
  auto options = [](flatbuffers::FlatBufferBuilder& fbb) {
    return tflite::CreateBatchMatMulOptions(fbb, true, true).Union();
  };
  Result r = testing::run_tflite_op(tflite::BuiltinOperator_BATCH_MATMUL, tflite::BuiltinOptions_BatchMatMulOptions,
                                    options, {{{1, 2, 2}, {1, 3, 2, 4}}, {{1, 2, 2}, {1, 0, 1, 1}}});
  EXPECT_EQ(r.shape, (Shape{1, 2, 2}));
  EXPECT_EQ(r.values, (std::vector<float>{1, 3, 3, 7}));
}

// --- ONNX: which IR ops Gemm and MatMul become ----------------------------------

// Imports one node on inputs in0, in1, ...; returns the graph's op sequence.
std::vector<OpKind> onnx_ops(onnx::NodeProto node, const std::vector<Input>& inputs, Result* result = nullptr) {
  Graph g;
  std::unordered_map<std::string, int> values;
  for (size_t i = 0; i < inputs.size(); ++i) {
    node.add_input("in" + std::to_string(i));
    values[node.input(i)] = testing::add_input(g, inputs[i], node.input(i));
  }
  node.add_output("y");
  OnnxNodeImporter importer(g, values, node, 13);
  testing::import_with_registry(importer);
  g.outputs = {values.at("y")};
  if (result) *result = testing::run_graph(g, inputs);
  std::vector<OpKind> ops;
  for (const Node& n : g.nodes) ops.push_back(n.op);
  return ops;
}

onnx::NodeProto gemm(float alpha, float beta, int64_t trans_a, int64_t trans_b) {
  onnx::NodeProto node;
  node.set_op_type("Gemm");
  auto add = [&](const char* name, auto set) {
    auto* a = node.add_attribute();
    a->set_name(name);
    set(a);
  };
  add("alpha", [&](onnx::AttributeProto* a) { a->set_type(onnx::AttributeProto::FLOAT), a->set_f(alpha); });
  add("beta", [&](onnx::AttributeProto* a) { a->set_type(onnx::AttributeProto::FLOAT), a->set_f(beta); });
  add("transA", [&](onnx::AttributeProto* a) { a->set_type(onnx::AttributeProto::INT), a->set_i(trans_a); });
  add("transB", [&](onnx::AttributeProto* a) { a->set_type(onnx::AttributeProto::INT), a->set_i(trans_b); });
  return node;
}

TEST(OnnxGemm, ConstantWeightsBecomeFullyConnectedWithScaledBias) {
  // transB=1: B is already [O,K] = kW. alpha 2, beta 3, C [1,2] = [1,2]:
  // 2 * [[-2,6],[-2,15]] + [3,6].
  Result r;
  EXPECT_EQ(onnx_ops(gemm(2, 3, 0, 1), {kX, kW, {{1, 2}, {1, 2}, true}}, &r),
            (std::vector<OpKind>{OpKind::FullyConnected}));
  EXPECT_EQ(r.values, (std::vector<float>{-1, 18, -1, 36}));
}

TEST(OnnxGemm, PerRowBiasIsAddedAfterFullyConnected) {
  Result r;
  EXPECT_EQ(onnx_ops(gemm(1, 1, 0, 1), {kX, kW, {{2, 1}, {100, 200}, true}}, &r),
            (std::vector<OpKind>{OpKind::FullyConnected, OpKind::Add}));
  EXPECT_EQ(r.values, (std::vector<float>{98, 106, 198, 215}));
}

TEST(OnnxGemm, TransposedOrVariableOperandsUseMatMul) {
  // transA=1 on A^T [3,2]; alpha 0.5; no C.
  Result r;
  std::vector<OpKind> ops = onnx_ops(gemm(0.5f, 1, 1, 1), {{{3, 2}, {1, 4, 2, 5, 3, 6}}, kW}, &r);
  EXPECT_EQ(ops, (std::vector<OpKind>{OpKind::Transpose, OpKind::MatMul, OpKind::Mul}));
  EXPECT_EQ(r.values, (std::vector<float>{-1, 3, -1, 7.5f}));
}

TEST(OnnxMatMul, ConstantMatrixOnTheRightBecomesFullyConnected) {
  onnx::NodeProto node;
  node.set_op_type("MatMul");
  Result r;
  // B [3,2] = kW^T.
  EXPECT_EQ(onnx_ops(node, {{{1, 2, 3}, kX.values}, {{3, 2}, {1, 1, 0, 1, -1, 1}, true}}, &r),
            (std::vector<OpKind>{OpKind::FullyConnected}));
  EXPECT_EQ(r.shape, (Shape{1, 2, 2}));
  EXPECT_EQ(r.values, (std::vector<float>{-2, 6, -2, 15}));
  EXPECT_EQ(onnx_ops(node, {{{3}, {1, 2, 3}}, {{3, 2}, {1, 1, 0, 1, -1, 1}, true}}),
            (std::vector<OpKind>{OpKind::MatMul}));
}

}  // namespace
}  // namespace octet
