// octet's Engine against the real TFLite interpreter (the WebAssembly build of
// npm @tensorflow/tfjs-tflite, run by tfjs_run.mjs under Node) on the files
// octet writes:
//  - every float classifier of ../shared/models, imported, run through the
//    float passes and written as TFLite: the same outputs on real images;
//  - small int8 graphs built in memory: outputs within 2 quantization steps;
//  - the harness itself: a released file's MODELS.md top-1, error reporting.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "eval/metrics.h"
#include "export/tflite_writer.h"
#include "graph/error.h"
#include "import/load_model.h"
#include "models/shared_classifiers.h"
#include "output_agreement.h"
#include "passes/pipeline.h"
#include "runtime/engine.h"
#include "tfjs_runner.h"
#include "unit/quantized_test_graphs.h"

namespace octet {
namespace {

using namespace export_test;
using namespace shared_models;

constexpr size_t kImagesPerModel = 3;
// Float kernels may sum in another order (XNNPACK's against octet's GEMM):
// each output element within 1e-4 of the output's largest magnitude.
constexpr double kFloatTolerance = 1e-4;

// The first images of the classifier's data, in even steps through the
// listing so that several classes are seen.
std::vector<tfjs::TensorSet> some_images(const Classifier& c, const Shape& input_shape) {
  const std::vector<LabeledImage> images = labelled_images(c);
  const Preprocess recipe = parse_preprocess(c.flags, input_shape);
  std::vector<tfjs::TensorSet> sets;
  for (size_t i = 0; i < kImagesPerModel && !images.empty(); ++i)
    sets.push_back({load_image_tensor(images[i * images.size() / kImagesPerModel].path, recipe)});
  return sets;
}

double max_abs(const TensorView& v) {
  double m = 0;
  for (int64_t i = 0; i < v.element_count(); ++i) m = std::max(m, std::fabs(double(v.as<float>()[i])));
  return m;
}

class TfjsFloat : public ::testing::TestWithParam<Classifier> {};

TEST_P(TfjsFloat, WrittenModelMatchesEngineOnImages) {
  require_shared();
  if (IsSkipped() || HasFatalFailure()) return;
  const Classifier& c = GetParam();
  const Graph graph = run_float_passes(load_model((shared_models::shared_dir() / "models" / c.model).string()));
  ASSERT_EQ(graph.inputs.size(), 1u);
  const std::vector<tfjs::TensorSet> inputs = some_images(c, graph.tensor(graph.inputs[0]).shape);
  ASSERT_EQ(inputs.size(), kImagesPerModel);
  const std::vector<tfjs::TensorSet> theirs = tfjs::run_tflite(write_tflite(graph, "octet test"), inputs);

  Engine engine(graph);
  for (size_t s = 0; s < inputs.size(); ++s) {
    const std::vector<TensorView> ours = engine.run({inputs[s][0].data->data()});
    ASSERT_EQ(theirs[s].size(), ours.size());
    for (size_t k = 0; k < ours.size(); ++k) {
      const TensorView reference = tfjs::view_of(theirs[s][k]);
      ASSERT_EQ(reference.dtype, DType::Float32);
      ASSERT_EQ(reference.element_count(), ours[k].element_count());
      const double tolerance = kFloatTolerance * max_abs(reference);
      for (int64_t i = 0; i < reference.element_count(); ++i)
        ASSERT_NEAR(ours[k].as<float>()[i], reference.as<float>()[i], tolerance)
            << "image " << s << ", output " << k << ", element " << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Models, TfjsFloat, ::testing::ValuesIn(kClassifiers), test_name);

// The harness itself, against MODELS.md (measured there with this interpreter
// on Pillow-preprocessed images): the released MobileNetV1 0.25 file's top-1
// on all 500 ImageNet images, in one batch.
TEST(TfjsHarness, ReproducesModelsMdTop1OfAReleasedFile) {
  require_shared();
  if (IsSkipped() || HasFatalFailure()) return;
  const Classifier& c = kClassifiers[0];
  ASSERT_STREQ(c.model, "imagenet/mobilenet_v1_0.25_224.tflite");
  const std::string path = (shared_models::shared_dir() / "models" / c.model).string();
  const Preprocess recipe = parse_preprocess(c.flags, {1, 224, 224, 3});
  const std::vector<LabeledImage> images = labelled_images(c);
  std::vector<tfjs::TensorSet> inputs;
  for (const LabeledImage& image : images) inputs.push_back({load_image_tensor(image.path, recipe)});
  const std::vector<tfjs::TensorSet> outputs = tfjs::run_tflite_file(path, inputs);
  ASSERT_EQ(outputs.size(), images.size());
  int correct = 0;
  for (size_t i = 0; i < images.size(); ++i) {
    const Tensor& probabilities = outputs[i].at(0);
    if (eval::top_k(probabilities.data_as<float>(), probabilities.element_count(), 1)[0] ==
        images[i].label + c.label_offset)
      ++correct;
  }
  const double top1 = 100.0 * correct / images.size();
  std::printf("[ top-1 ] %s in TFLite: %.2f %% (%d/%zu), MODELS.md %.2f %%\n", c.model, top1, correct,
              images.size(), c.expected_top1);
  EXPECT_NEAR(top1, c.expected_top1, 0.5);
}

TEST(TfjsHarness, ARejectedModelIsAOneLineError) {
  const Bytes not_a_model{'n', 'o', 't', ' ', 'T', 'F', 'L', '3'};
  try {
    tfjs::run_tflite(not_a_model, {{make_constant<float>("x", {1}, {0.0f})}});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadFile);
    EXPECT_NE(std::string(e.what()).find("the TFLite interpreter rejects the model"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
  }
}

// Runs the graph in octet's Engine and its written file in TFLite on the same
// inputs; one agreement per graph output, with a tolerance of 2 steps.
// `float_step`: the step of float (dequantized) outputs.
std::vector<tfjs::OutputAgreement> compare_with_tflite(const Graph& graph, const std::vector<tfjs::TensorSet>& inputs,
                                                       double float_step = 0.0) {
  return tfjs::agreement_with_engine(graph, inputs, tfjs::run_tflite(write_tflite(graph, "octet test"), inputs), 2,
                                     float_step);
}

// TFLite's XNNPACK delegate runs the int8 convolutions, fully connected
// layers and additions (its profile says so) and requantizes in float, so
// its results may sit one step from TFLite's reference kernels (which
// octet's match) per layer. Softmax then magnifies a one-step change of the
// logits (one step is 0.3 here) to several steps of probability, so the
// probabilities are held to the same top-1, the logits to 2 steps.
TEST(TfjsInt8, QuantizedClassifierLogitsWithinTwoStepsSameTop1) {
  Graph graph = quantized_classifier();
  graph.outputs.insert(graph.outputs.begin(), graph.find_tensor("add"));
  // The input quantizes at scale 0.02: +-2.5 spans nearly all of int8.
  const std::vector<tfjs::OutputAgreement> agreements =
      compare_with_tflite(graph, seeded_float_sets(graph, 20, 2.5f), 1.0 / 256);
  const tfjs::OutputAgreement& logits = agreements[0];
  const tfjs::OutputAgreement& probabilities = agreements[1];
  EXPECT_EQ(logits.within_tolerance(), 1.0) << "worst: " << logits.worst_steps() << " steps";
  EXPECT_EQ(probabilities.top1_agreement(), 1.0);
}

TEST(TfjsInt8, Int8EdgesWithinTwoSteps) {
  const Graph graph = int8_edges_graph();
  const tfjs::OutputAgreement logits = compare_with_tflite(graph, seeded_int8_sets(graph, 20))[0];
  EXPECT_EQ(logits.within_tolerance(), 1.0) << "worst: " << logits.worst_steps() << " steps";
}

}  // namespace
}  // namespace octet
