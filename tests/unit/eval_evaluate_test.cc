// evaluate() on hand-built models and 1x1 images whose every number can be
// worked out by hand: the float model passes the pixel through, the "int8"
// model quantizes it (scale 2, zero point -128) and dequantizes it again.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "eval/evaluate.h"
#include "eval/real_values.h"
#include "graph/error.h"
#include "io/model_input.h"
#include "io_test_util.h"
#include "ops/quantize.h"
#include "test_graph.h"

namespace octet::eval {
namespace {

namespace fs = std::filesystem;
using io_test::fresh_dir;
using io_test::write_file;

// A 1x1 24-bit BMP of one RGB pixel.
std::string bmp_pixel(uint8_t r, uint8_t g, uint8_t b) {
  auto le32 = [](uint32_t v) { return std::string{char(v), char(v >> 8), char(v >> 16), char(v >> 24)}; };
  auto le16 = [](uint16_t v) { return std::string{char(v), char(v >> 8)}; };
  std::string file = "BM" + le32(58) + le32(0) + le32(54);                  // file header
  file += le32(40) + le32(1) + le32(1) + le16(1) + le16(24) + le32(0) + le32(4);  // info header
  file += le32(2835) + le32(2835) + le32(0) + le32(0);
  file += std::string{char(b), char(g), char(r), 0};  // BGR, row padded to 4 bytes
  return file;
}

const Shape kPixel{1, 1, 1, 3};
const QuantParams kInputQuant{{2.0f}, {-128}};

Graph float_passthrough(const Shape& shape = kPixel) {
  Graph g;
  Tensor x;
  x.name = "x";
  x.shape = shape;
  g.inputs.push_back(g.add_tensor(x));
  g.outputs.push_back(testing::add(g, OpKind::Identity, "y", {g.inputs[0]}));
  return g;
}

Graph int8_roundtrip() {
  Graph g;
  Tensor x;
  x.name = "q";
  x.dtype = DType::Int8;
  x.shape = kPixel;
  x.quant = kInputQuant;
  g.inputs.push_back(g.add_tensor(x));
  g.outputs.push_back(testing::add(g, OpKind::Dequantize, "dq", {g.inputs[0]}, dequantize_attrs(kInputQuant)));
  return g;
}

// A 1x1 RGB input [1,1,1,3] could be NCHW or NHWC: say which.
Preprocess pixel_recipe(const Shape& shape = kPixel) {
  PreprocessFlags flags;
  flags.layout = "nhwc";
  return parse_preprocess(flags, shape);
}

EvalModel model(const std::string& path, const Graph& graph) {
  return {path, &graph, pixel_recipe(graph.tensor(graph.inputs[0]).shape)};
}

// Three labelled pixels and one broken file (see the expected values below).
fs::path pixel_folder() {
  fs::path dir = fresh_dir("eval_pixels");
  write_file(dir / "0" / "a.bmp", bmp_pixel(201, 10, 10));
  write_file(dir / "1" / "broken.png", "\x89PNG\r\n\x1a\n not really");
  write_file(dir / "1" / "c.bmp", bmp_pixel(99, 100, 0));
  write_file(dir / "2" / "b.bmp", bmp_pixel(3, 5, 7));
  return dir;
}

TEST(EvalEvaluate, HandComputedNumbers) {
  const Graph f = float_passthrough(), q = int8_roundtrip();
  const fs::path dir = pixel_folder();
  EvalResult r = evaluate(model("f", f), model("q", q), list_image_folder(dir.string()), {dir.string(), 0});
  // q = round(p / 2) - 128 with halves away from zero; the real value is 2 * round(p / 2):
  //   a (201, 10, 10) -> (202, 10, 10)  top-1 0 / 0, label 0: both right
  //   c (99, 100, 0)  -> (100, 100, 0)  top-1 1 / 0 (a tie goes to index 0), label 1: int8 wrong
  //   b (3, 5, 7)     -> (4, 6, 8)      top-1 2 / 2, label 2: both right
  EXPECT_EQ(r.images, 4);
  EXPECT_EQ(r.used, 3);
  EXPECT_EQ(r.skipped, 1);
  EXPECT_EQ(r.classes.labelled(), 3);
  EXPECT_EQ(r.classes.float_hits().top1, 3);
  EXPECT_EQ(r.classes.int8_hits().top1, 2);
  EXPECT_EQ(r.classes.int8_hits().top5, 3);
  EXPECT_EQ(r.classes.agreeing(), 2);
  // Signal 40601 + 19801 + 83 = 60485, noise 1 + 1 + 3 = 5.
  ASSERT_EQ(r.outputs.size(), 1u);
  EXPECT_EQ(r.outputs[0].float_name, "y");
  EXPECT_EQ(r.outputs[0].int8_name, "dq");
  EXPECT_EQ(r.outputs[0].sqnr.signal(), 60485.0);
  EXPECT_EQ(r.outputs[0].sqnr.noise(), 5.0);
  EXPECT_NEAR(r.outputs[0].sqnr.db(), 40.8268, 1e-3);

  nlohmann::json j = to_json(r);
  EXPECT_EQ(j["used"], 3);
  EXPECT_DOUBLE_EQ(j["int8"]["top1"].get<double>(), 200.0 / 3.0);
  EXPECT_EQ(j["float"]["top5_count"], 3);
  EXPECT_EQ(j["agreement_count"], 2);
  EXPECT_NEAR(j["outputs"][0]["sqnr_db"].get<double>(), 40.8268, 1e-3);
  EXPECT_EQ(j["outputs"][0]["identical"], false);
}

TEST(EvalEvaluate, SameModelTwiceAgreesFully) {
  const Graph f = float_passthrough();
  const fs::path dir = pixel_folder();
  EvalResult r = evaluate(model("f", f), model("f", f), list_image_folder(dir.string()), {dir.string(), 0});
  EXPECT_EQ(r.classes.agreeing(), 3);
  EXPECT_EQ(r.outputs[0].sqnr.db(), INFINITY);
  nlohmann::json j = to_json(r);
  EXPECT_TRUE(j["outputs"][0]["sqnr_db"].is_null());
  EXPECT_EQ(j["outputs"][0]["identical"], true);
  EXPECT_EQ(j["agreement"], 100.0);
}

TEST(EvalEvaluate, LabelOffsetShiftsTheClass) {
  // With offset 1, label 0 is class 1 and label 1 is class 2.
  const Graph f = float_passthrough();
  fs::path dir = fresh_dir("eval_offset");
  write_file(dir / "0" / "g.bmp", bmp_pixel(0, 50, 9));  // top-1 1 = label 0 + 1: right
  write_file(dir / "1" / "r.bmp", bmp_pixel(50, 0, 9));  // top-1 0, class 2: wrong (top-5 right)
  EvalResult r = evaluate(model("f", f), model("f", f), list_image_folder(dir.string()), {dir.string(), 1});
  EXPECT_EQ(r.classes.float_hits().top1, 1);
  EXPECT_EQ(r.classes.float_hits().top5, 2);
  // Label 2 + offset 1 is class 3 of a 3-class output: a usage error naming the image.
  write_file(dir / "2" / "x.bmp", bmp_pixel(1, 2, 3));
  EXPECT_OCTET_ERROR(evaluate(model("f", f), model("f", f), list_image_folder(dir.string()), {dir.string(), 1}),
                     ErrorKind::Usage, "x.bmp");
}

TEST(EvalEvaluate, NoUsableImageIsAnError) {
  const Graph f = float_passthrough();
  fs::path dir = fresh_dir("eval_broken");
  write_file(dir / "0" / "broken.jpg", "not a jpeg");
  EXPECT_OCTET_ERROR(evaluate(model("f", f), model("f", f), list_image_folder(dir.string()), {dir.string(), 0}),
                     ErrorKind::BadInput, dir.string());
}

TEST(EvalEvaluate, MismatchedOutputsAreRefused) {
  const Graph small = float_passthrough(), large = float_passthrough({1, 2, 2, 3});
  EXPECT_OCTET_ERROR(check_comparable(model("a.onnx", small), model("b.tflite", large)), ErrorKind::BadShape,
                     "a.onnx and b.tflite do not match: output 0 is 'y' [1,1,1,3] vs 'y' [1,2,2,3]");
  // Size-1 dimensions aside, [1,3] and [1,1,1,3] hold the same values.
  const Graph flat = float_passthrough({1, 3});
  EXPECT_NO_THROW(check_comparable(model("a", small), {"b", &flat, {}}));
}

TEST(EvalEvaluate, ImageInputNeedsExactlyOneInput) {
  Graph g = float_passthrough();
  Tensor extra;
  extra.name = "extra";
  extra.shape = {1};
  g.inputs.push_back(g.add_tensor(extra));
  EXPECT_OCTET_ERROR(image_input(g, "two.onnx"), ErrorKind::Usage, "two.onnx has 2 inputs");
}

TEST(EvalModelInput, ImagesAreQuantizedForIntegerInputs) {
  fs::path dir = fresh_dir("eval_quantize");
  write_file(dir / "p.bmp", bmp_pixel(201, 3, 255));
  Preprocess recipe = pixel_recipe();
  recipe.mean = {1.0f};  // x = p - 1: 200, 2, 254
  Tensor int8_input;
  int8_input.name = "q";
  int8_input.dtype = DType::Int8;
  int8_input.shape = kPixel;
  int8_input.quant = {{4.0f}, {-100}};
  // round(x / 4) - 100: 50 - 100, round(0.5) = 1 -> -99, round(63.5) = 64 -> -36.
  Tensor q = load_model_input((dir / "p.bmp").string(), int8_input, recipe);
  ASSERT_EQ(q.dtype, DType::Int8);
  EXPECT_EQ(std::vector<int8_t>(q.data_as<int8_t>(), q.data_as<int8_t>() + 3), (std::vector<int8_t>{-50, -99, -36}));

  Tensor uint8_input = int8_input;
  uint8_input.dtype = DType::UInt8;
  uint8_input.quant = {{0.5f}, {10}};
  // round(2x) + 10, clamped to [0, 255]: 410 -> 255, 14, 518 -> 255.
  Tensor u = load_model_input((dir / "p.bmp").string(), uint8_input, recipe);
  ASSERT_EQ(u.dtype, DType::UInt8);
  EXPECT_EQ(std::vector<uint8_t>(u.data_as<uint8_t>(), u.data_as<uint8_t>() + 3), (std::vector<uint8_t>{255, 14, 255}));

  recipe.mean = {255.0f};  // x = p - 255: -54, -252, 0 -> uint8 round(2x) + 10 clamps -98 and -494 to 0
  u = load_model_input((dir / "p.bmp").string(), uint8_input, recipe);
  EXPECT_EQ(std::vector<uint8_t>(u.data_as<uint8_t>(), u.data_as<uint8_t>() + 3), (std::vector<uint8_t>{0, 0, 10}));

  Tensor unquantized = int8_input;
  unquantized.quant = {};
  EXPECT_OCTET_ERROR(load_model_input((dir / "p.bmp").string(), unquantized, recipe), ErrorKind::Unsupported,
                     "'q'");
}

TEST(EvalRealValues, DequantizesIntegerOutputs) {
  int8_t q[] = {-128, 0, 127};
  QuantParams params{{0.5f}, {-28}};
  TensorView view{DType::Int8, {3}, q, &params};
  EXPECT_EQ(real_values(view, "out"), (std::vector<float>{-50.0f, 14.0f, 77.5f}));
  uint8_t u[] = {0, 255};
  QuantParams uparams{{0.25f}, {128}};
  EXPECT_EQ(real_values({DType::UInt8, {2}, u, &uparams}, "out"), (std::vector<float>{-32.0f, 31.75f}));
  // Unquantized integers (class ids) are converted as they are.
  int64_t ids[] = {7, -2};
  EXPECT_EQ(real_values({DType::Int64, {2}, ids, nullptr}, "ids"), (std::vector<float>{7.0f, -2.0f}));
  QuantParams per_axis{{1.0f, 2.0f}, {0, 0}, 0};
  EXPECT_OCTET_ERROR(real_values({DType::Int8, {2}, q, &per_axis}, "out"), ErrorKind::Unsupported, "'out'");
}

TEST(EvalSkippedInputs, NamesTheFirstTwentyThenCountsQuietly) {
  std::ostringstream log;
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_st>(log));
  logger->set_pattern("%l %v");
  spdlog::set_default_logger(logger);
  SkippedInputs skipped("image");
  for (int i = 0; i < 25; ++i) skipped.add(Error(ErrorKind::BadInput, "f" + std::to_string(i) + ".png: corrupt"), nullptr);
  spdlog::set_default_logger(previous);
  EXPECT_EQ(skipped.count(), 25);
  const std::string text = log.str();
  EXPECT_NE(text.find("warning skipped image: f0.png: corrupt\n"), std::string::npos) << text;
  EXPECT_NE(text.find("warning skipped image: f19.png: corrupt\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("f20.png"), std::string::npos) << text;  // debug level: not shown at info
  EXPECT_NE(text.find("warning further unusable images are skipped without a warning"), std::string::npos);
}

}  // namespace
}  // namespace octet::eval
