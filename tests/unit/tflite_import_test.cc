// The TFLite importer, model loading and the TFLite summary: real models from
// shared/, small files built here (constant DEQUANTIZE folding, dynamic inputs,
// data stored after the flatbuffer) and bad files. Quantized files:
// tflite_import_quantized_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "graph/error.h"
#include "import/load_model.h"
#include "import/tflite_importer.h"
#include "import/tflite_summary.h"
#include "runtime/engine.h"
#include "tflite_test_model.h"

namespace octet {
namespace {

namespace fs = std::filesystem;
using tflite_test::bytes_of;
using tflite_test::contains;
using tflite_test::error_of;
using tflite_test::import_model;
using tflite_test::temp_file;
using tflite_test::TestModel;
using tflite_test::TestOp;
using tflite_test::TestTensor;

// shared/ sits beside the checkout. Without it the tests that need it skip,
// except in CI (CI=true), where a missing folder is a failure.
std::string shared_file(const std::string& relative) {
  fs::path path = fs::path(OCTET_SOURCE_DIR) / ".." / "shared" / relative;
  return fs::exists(path) ? path.string() : "";
}

#define REQUIRE_SHARED(path_var, relative)                                          \
  const std::string path_var = shared_file(relative);                               \
  if (path_var.empty()) {                                                           \
    const char* ci = std::getenv("CI");                                             \
    if (ci && std::string(ci) == "true") FAIL() << "missing shared file " relative; \
    GTEST_SKIP() << "shared file " relative " not found";                           \
  }

std::vector<float> run_one(const Graph& graph, const std::vector<float>& input) {
  Engine engine(graph);
  TensorView out = engine.run({input.data()}).at(0);
  return std::vector<float>(out.as<float>(), out.as<float>() + out.element_count());
}

// ---- real models -----------------------------------------------------------

TEST(TfliteImport, HelloWorldApproximatesSine) {
  REQUIRE_SHARED(path, "models/misc/hello_world_float.tflite");
  Graph graph = load_model(path, {});
  ASSERT_EQ(graph.nodes.size(), 3u);
  for (const Node& node : graph.nodes) EXPECT_EQ(node.op, OpKind::FullyConnected) << node.name;
  ASSERT_EQ(graph.inputs.size(), 1u);
  ASSERT_EQ(graph.outputs.size(), 1u);
  EXPECT_EQ(graph.tensor(graph.inputs[0]).name, "serving_default_dense_input:0");
  EXPECT_EQ(graph.tensor(graph.inputs[0]).shape, (Shape{1, 1}));
  EXPECT_EQ(graph.tensor(graph.outputs[0]).name, "StatefulPartitionedCall:0");
  EXPECT_EQ(graph.tensor(graph.outputs[0]).shape, (Shape{1, 1}));
  // MODELS.md: mean |y - sin x| 0.0124, max 0.050 over 1000 points in [0, 2 pi].
  for (float x : {0.3f, 1.0f, 1.6f, 2.5f, 3.3f, 4.7f, 5.9f})
    EXPECT_NEAR(run_one(graph, {x})[0], std::sin(x), 0.1) << "x = " << x;
  double total = 0, worst = 0;
  const double two_pi = 2 * std::acos(-1.0);
  for (int i = 0; i < 1000; ++i) {
    float x = static_cast<float>(two_pi * i / 999);
    double error = std::fabs(run_one(graph, {x})[0] - std::sin(x));
    total += error;
    worst = std::max(worst, error);
  }
  EXPECT_NEAR(total / 1000, 0.0124, 0.001);
  EXPECT_LT(worst, 0.051);
}

TEST(TfliteSummary, Int8ResNetQuantization) {
  REQUIRE_SHARED(path, "anchors/cifar10/resnet8_int8.tflite");
  TfliteSummary s = summarize_tflite(path);
  ASSERT_EQ(s.inputs.size(), 1u);
  const TfliteTensorSummary& input = s.tensors.at(s.inputs[0]);
  EXPECT_EQ(input.dtype, "int8");
  EXPECT_EQ(input.shape, (std::vector<int64_t>{1, 32, 32, 3}));
  ASSERT_EQ(input.quant.scales.size(), 1u);  // MODELS.md: q = pixel - 128
  EXPECT_FLOAT_EQ(input.quant.scales[0], 1.0f);
  EXPECT_EQ(input.quant.zero_points[0], -128);
  EXPECT_EQ(input.quant.axis, -1);
  EXPECT_EQ(s.op_histogram.at("CONV_2D"), 9);  // ResNet-8: 7 3x3 + 2 1x1 shortcut convolutions
  for (const TfliteOperatorSummary& op : s.operators) {
    if (op.op != "CONV_2D") continue;
    const TfliteTensorSummary& weights = s.tensors.at(op.inputs.at(1));
    EXPECT_TRUE(weights.is_constant) << weights.name;
    EXPECT_EQ(weights.dtype, "int8");
    EXPECT_EQ(weights.quant.axis, 0) << weights.name;  // per output channel
    EXPECT_EQ(static_cast<int64_t>(weights.quant.scales.size()), weights.shape.at(0)) << weights.name;
  }
  nlohmann::json j = to_json(s);
  EXPECT_EQ(j["inputs"][0]["dtype"], "int8");
  EXPECT_EQ(j["inputs"][0]["quantization"]["scale"], 1.0);
  EXPECT_EQ(j["inputs"][0]["quantization"]["zero_point"], -128);
  EXPECT_EQ(j["outputs"][0]["quantization"]["zero_point"], -128);  // softmax: 1/256, -128
  EXPECT_EQ(j["tensors"][s.inputs[0]]["quantization"]["zero_point"], -128);
}

// ---- bad files ---------------------------------------------------------------

TEST(TfliteImport, TruncatedFileIsBadFile) {
  REQUIRE_SHARED(path, "models/misc/hello_world_float.tflite");
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  fs::path truncated = temp_file("truncated.tflite", bytes.substr(0, bytes.size() / 2));
  std::string message = error_of([&] { load_model(truncated.string(), {}); }, ErrorKind::BadFile);
  EXPECT_TRUE(contains(message, truncated.string())) << message;
  EXPECT_TRUE(contains(message, "not a valid TFLite model")) << message;
  message = error_of([&] { summarize_tflite(truncated.string()); }, ErrorKind::BadFile);
  EXPECT_TRUE(contains(message, truncated.string())) << message;
}

TEST(TfliteImport, TextFileIsBadFile) {
  fs::path text = temp_file("notes.tflite", "hello, this is not a model\n");
  std::string message = error_of([&] { import_tflite(text.string()); }, ErrorKind::BadFile);
  EXPECT_TRUE(contains(message, text.string())) << message;
  EXPECT_TRUE(contains(message, "not a valid TFLite model")) << message;
  message = error_of([&] { load_model(text.string(), {}); }, ErrorKind::BadFile);
  EXPECT_TRUE(contains(message, text.string()) && contains(message, "neither")) << message;
}

TEST(TfliteImport, EmptyMissingAndDirectoryAreBadFile) {
  fs::path empty = temp_file("empty.tflite", "");
  std::string message = error_of([&] { import_tflite(empty.string()); }, ErrorKind::BadFile);
  EXPECT_TRUE(contains(message, empty.string())) << message;
  message = error_of([&] { load_model(empty.string(), {}); }, ErrorKind::BadFile);
  EXPECT_TRUE(contains(message, empty.string()) && contains(message, "empty")) << message;
  fs::path missing = fs::path(::testing::TempDir()) / "octet_tflite_no_such_file.tflite";
  message = error_of([&] { load_model(missing.string(), {}); }, ErrorKind::BadFile);
  EXPECT_TRUE(contains(message, missing.string()) && contains(message, "no such file")) << message;
  message = error_of([&] { load_model(::testing::TempDir(), {}); }, ErrorKind::BadFile);
  EXPECT_TRUE(contains(message, "directory")) << message;
}

// ---- built models ------------------------------------------------------------

// y = x + w, with x a [2,3] input and w a constant given as `weights`.
TestModel add_constant(TestTensor weights, TestOp dequantize) {
  TestModel m;
  int x = m.add({"x", tflite::TensorType_FLOAT32, {2, 3}});
  int w = m.add(std::move(weights));
  int wf = m.add({"w_float", tflite::TensorType_FLOAT32, {2, 3}});
  int y = m.add({"y", tflite::TensorType_FLOAT32, {2, 3}});
  dequantize.inputs = {w};
  dequantize.outputs = {wf};
  m.ops = {dequantize, {tflite::BuiltinOperator_ADD, {x, wf}, {y}}};
  m.inputs = {x};
  m.outputs = {y};
  return m;
}

const TestOp kDequantize{tflite::BuiltinOperator_DEQUANTIZE};

TEST(TfliteImport, FoldsPerChannelInt8Dequantize) {
  // Row 0: scale 0.5, zp 0; row 1: scale 0.25, zp 1. (q - zp) * scale by hand.
  TestTensor w{"w", tflite::TensorType_INT8, {2, 3}};
  w.data = bytes_of(std::vector<int8_t>{2, 4, -6, 9, 1, -3});
  w.scales = {0.5f, 0.25f};
  w.zero_points = {0, 1};
  w.axis = 0;
  Graph g = import_model(add_constant(w, kDequantize), "dq_int8.tflite");
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].op, OpKind::Add);
  EXPECT_EQ(g.tensor(g.nodes[0].inputs[1]).dtype, DType::Float32);
  EXPECT_EQ(run_one(g, std::vector<float>(6, 0.0f)), (std::vector<float>{1, 2, -3, 2, 0, -1}));
}

TEST(TfliteImport, FoldsFloat16DequantizeFromLegacyOpcode) {
  // Half bits: 1.0 = 0x3c00, -2.0 = 0xc000, 0.5 = 0x3800, 65504 = 0x7bff,
  // 2^-24 (smallest subnormal) = 0x0001, -0.0 = 0x8000.
  TestTensor w{"w", tflite::TensorType_FLOAT16, {2, 3}};
  w.data = bytes_of(std::vector<uint16_t>{0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x8000});
  TestOp legacy = kDequantize;
  legacy.legacy_code_only = true;
  Graph g = import_model(add_constant(w, legacy), "dq_fp16.tflite");
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(run_one(g, std::vector<float>(6, 0.0f)),
            (std::vector<float>{1, -2, 0.5f, 65504, std::ldexp(1.0f, -24), 0}));
}

TEST(TfliteImport, ReadsConstantStoredAfterTheFlatbuffer) {
  TestTensor w{"w", tflite::TensorType_FLOAT32, {2, 3}};
  w.data = bytes_of(std::vector<float>{1, 2, 3, 4, 5, 6});
  w.data_after_flatbuffer = true;
  TestModel m;
  int x = m.add({"x", tflite::TensorType_FLOAT32, {2, 3}});
  int wi = m.add(w);
  int y = m.add({"y", tflite::TensorType_FLOAT32, {2, 3}});
  m.ops = {{tflite::BuiltinOperator_ADD, {x, wi}, {y}, tflite::ActivationFunctionType_RELU}};
  m.inputs = {x};
  m.outputs = {y};
  Graph g = import_model(m, "tail_data.tflite");
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].attrs.get_string("activation", "none"), "relu");
  EXPECT_EQ(run_one(g, {0, 0, -9, 0, 0, 0}), (std::vector<float>{1, 2, 0, 4, 5, 6}));
}

TestModel dynamic_add(std::vector<int32_t> signature, tflite::ActivationFunctionType fused) {
  TestModel m;
  TestTensor x{"x", tflite::TensorType_FLOAT32, {1, 3}, signature};
  int xi = m.add(x);
  int y = m.add({"y", tflite::TensorType_FLOAT32, {1, 3}, signature});
  m.ops = {{tflite::BuiltinOperator_ADD, {xi, xi}, {y}, fused}};
  m.inputs = {xi};
  m.outputs = {y};
  return m;
}

TEST(TfliteImport, DynamicBatchBecomesOne) {
  Graph g = import_model(dynamic_add({-1, 3}, tflite::ActivationFunctionType_NONE), "batch.tflite");
  EXPECT_EQ(g.tensor(g.inputs[0]).shape, (Shape{1, 3}));
  EXPECT_FALSE(g.nodes[0].attrs.has("activation"));
}

TEST(TfliteImport, OtherDynamicDimensionsNeedInputShape) {
  TestModel m = dynamic_add({1, -1}, tflite::ActivationFunctionType_NONE);
  std::string message = error_of([&] { import_model(m, "dyn.tflite"); }, ErrorKind::BadShape);
  EXPECT_TRUE(contains(message, "'x'") && contains(message, "--input-shape")) << message;
  ImportOptions options;
  options.input_shapes["x"] = {1, 5};
  Graph g = import_model(m, "dyn.tflite", options);
  EXPECT_EQ(g.tensor(g.outputs[0]).shape, (Shape{1, 5}));
}

TEST(TfliteImport, FusedTanhIsUnsupported) {
  TestModel m = dynamic_add({}, tflite::ActivationFunctionType_TANH);
  std::string message = error_of([&] { import_model(m, "tanh.tflite"); }, ErrorKind::Unsupported);
  EXPECT_TRUE(contains(message, "TANH") && contains(message, "'y'")) << message;
}

TEST(TfliteImport, ListsEveryUnsupportedOperator) {
  // Hashtable lookup and LSH projection are outside octet's scope.
  TestModel m;
  int x = m.add({"x", tflite::TensorType_FLOAT32, {1, 3}});
  int a = m.add({"a", tflite::TensorType_FLOAT32, {1, 3}});
  int b = m.add({"b", tflite::TensorType_FLOAT32, {1, 3}});
  m.ops = {{tflite::BuiltinOperator_HASHTABLE_LOOKUP, {x}, {a}, tflite::ActivationFunctionType_NONE, false, 2},
           {tflite::BuiltinOperator_LSH_PROJECTION, {a}, {b}}};
  m.inputs = {x};
  m.outputs = {b};
  std::string message = error_of([&] { import_model(m, "unsupported.tflite"); }, ErrorKind::Unsupported);
  EXPECT_TRUE(contains(message, "2 unsupported operators")) << message;
  EXPECT_TRUE(contains(message, "'a' (HASHTABLE_LOOKUP v2)")) << message;
  EXPECT_TRUE(contains(message, "'b' (LSH_PROJECTION v1)")) << message;
}

}  // namespace
}  // namespace octet
