// Issue 3's acceptance on real models: every labelled float classifier in
// ../shared/models is converted by octet (calibrated on 100 images of its
// data, minmax, per-channel convolutions, int8 I/O), the written file is read
// back and evaluated by octet's int8 engine against the float model on other
// images of the same data. The class scores must need no TRANSPOSE and the
// int8 top-1 must be within 1.0 point of the float top-1. The written files
// are kept (converted_model_path) for the runtime conformance tests.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "eval/evaluate.h"
#include "import/load_model.h"
#include "io/output_file.h"
#include "quant/convert.h"
#include "shared_classifiers.h"

namespace octet {
namespace {

using namespace shared_models;

// Images of each split: 100 for calibration (every k-th image), and up to
// kMaxEval of the rest, spread evenly, for evaluation.
constexpr size_t kCalibImages = 100;
constexpr size_t kMaxEval = 2000;

TEST(QuantizedSplit, CalibrationAndEvaluationImagesAreDisjoint) {
  std::vector<LabeledImage> images;
  for (int i = 0; i < 500; ++i) images.push_back({"img" + std::to_string(i), i});
  const ImageSplit s = split_images(images, kCalibImages, kMaxEval);
  EXPECT_EQ(s.calib.size(), 100u);
  EXPECT_EQ(s.eval.size(), 400u);
  for (const LabeledImage& c : s.calib)
    for (const LabeledImage& e : s.eval) ASSERT_NE(c.path, e.path);
}

// The nodes that output `tensor` depends on. (fashion_pytorch_opset10 has a
// second output, its NCHW-flattened features, which needs a transpose from
// NHWC; the class scores must need none.)
std::vector<int> nodes_computing(const Graph& g, int tensor) {
  const std::vector<int> producer = g.producers();
  std::vector<bool> needed(g.tensors.size(), false), taken(g.nodes.size(), false);
  std::vector<int> stack{tensor}, nodes;
  while (!stack.empty()) {
    const int t = stack.back();
    stack.pop_back();
    if (t == kNoTensor || needed[t]) continue;
    needed[t] = true;
    const int n = producer[t];
    if (n == kNoTensor || taken[n]) continue;
    taken[n] = true;
    nodes.push_back(n);
    for (int in : g.nodes[n].inputs) stack.push_back(in);
  }
  return nodes;
}

class ConvertedClassifier : public ::testing::TestWithParam<Classifier> {};

TEST_P(ConvertedClassifier, WritesAnInt8FileWithoutTransposeBeforeTheClassScores) {
  require_shared();
  if (IsSkipped() || HasFatalFailure()) return;
  const Classifier& c = GetParam();
  const std::filesystem::path out = converted_model_path(c);
  std::filesystem::create_directories(out.parent_path());
  const std::string calib_list = out.string() + ".calib.txt";
  {
    std::ofstream list(calib_list);
    for (const LabeledImage& image : split_images(labelled_images(c), kCalibImages, kMaxEval).calib)
      list << image.path << "\n";
  }
  quant::ConvertSettings settings;
  settings.calib_path = calib_list;
  settings.preprocess = c.flags;
  const quant::Conversion conversion = quant::convert_model((shared_dir() / "models" / c.model).string(), settings, nullptr);
  write_file_atomically(out.string(), conversion.tflite);
  EXPECT_EQ(conversion.calibration.used, static_cast<int64_t>(kCalibImages));
  const Graph int8_graph = load_model(out.string());
  for (int n : nodes_computing(int8_graph, int8_graph.outputs[0]))
    EXPECT_NE(int8_graph.nodes[n].op, OpKind::Transpose) << int8_graph.nodes[n].name;
}

INSTANTIATE_TEST_SUITE_P(Models, ConvertedClassifier, ::testing::ValuesIn(kClassifiers), test_name);

class QuantizedClassifier : public ::testing::TestWithParam<Classifier> {};

TEST_P(QuantizedClassifier, Int8Top1WithinOnePointOfFloat) {
  require_shared();
  if (IsSkipped() || HasFatalFailure()) return;
  const Classifier& c = GetParam();
  const std::string model = (shared_dir() / "models" / c.model).string();
  const std::string out = converted_model_path(c).string();
  ASSERT_TRUE(std::filesystem::exists(out)) << out << " missing: ConvertedClassifier writes it";
  const Graph float_graph = load_model(model);
  const Graph int8_graph = load_model(out);
  eval::EvalModel float_model{model, &float_graph,
                              parse_preprocess(c.flags, eval::image_input(float_graph, model).shape)};
  eval::EvalModel int8_model{out, &int8_graph, parse_preprocess(c.flags, eval::image_input(int8_graph, out).shape)};
  const ImageSplit split = split_images(labelled_images(c), kCalibImages, kMaxEval);
  const eval::EvalResult r = eval::evaluate(float_model, int8_model, split.eval, {c.data, c.label_offset});
  const nlohmann::json j = eval::to_json(r);
  const double float_top1 = j["float"]["top1"], int8_top1 = j["int8"]["top1"], agreement = j["agreement"];
  std::printf("[ int8  ] %-45s float %6.2f %%  int8 %6.2f %%  agreement %6.2f %%  (%lld images, %ju bytes)\n",
              c.model, float_top1, int8_top1, agreement, static_cast<long long>(r.used),
              static_cast<uintmax_t>(std::filesystem::file_size(out)));
  EXPECT_GE(int8_top1, float_top1 - 1.0);
}

INSTANTIATE_TEST_SUITE_P(Models, QuantizedClassifier, ::testing::ValuesIn(kClassifiers), test_name);

}  // namespace
}  // namespace octet
