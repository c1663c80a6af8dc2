// Issue 3's runtime conformance on real models: every int8 file octet wrote
// for a shared classifier (quantized_models_test leaves them in converted/,
// ctest fixture converted_models) runs in the real TFLite interpreter
// (tfjs-tflite's WebAssembly build) and in octet's int8 engine on the same
// images. TFLite runs XNNPACK's int8 kernels, which requantize in float and
// may land one step from the reference kernels octet matches, so the bar is:
// the same top-1 on at least 97 % of images, and at most 2 quantization steps
// apart on at least 99 % of output elements.
#include <gtest/gtest.h>

#include <cstdio>

#include "import/load_model.h"
#include "io/model_input.h"
#include "models/shared_classifiers.h"
#include "output_agreement.h"
#include "runtime/engine.h"
#include "tfjs_runner.h"

namespace octet {
namespace {

using namespace shared_models;

// Images per model, spread over the evaluation images (all 400 of ImageNet's).
// One logit step of difference moves a sharp softmax by several steps, so the
// share of elements within 2 steps needs many images to be measured well.
constexpr size_t kImages = 1000;

class TfjsConverted : public ::testing::TestWithParam<Classifier> {};

TEST_P(TfjsConverted, Int8EngineAgreesWithTflite) {
  require_shared();
  if (IsSkipped() || HasFatalFailure()) return;
  const Classifier& c = GetParam();
  const std::filesystem::path path = converted_model_path(c);
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " missing: quantized_models_test writes it";
  const Graph graph = load_model(path.string());
  ASSERT_EQ(graph.inputs.size(), 1u);
  const Tensor& input = graph.tensor(graph.inputs[0]);
  const Preprocess recipe = parse_preprocess(c.flags, input.shape);
  const std::vector<LabeledImage> images = split_images(labelled_images(c), 100, kImages).eval;
  std::vector<tfjs::TensorSet> sets;
  for (const LabeledImage& image : images) sets.push_back({load_model_input(image.path, input, recipe)});

  const std::vector<tfjs::TensorSet> theirs = tfjs::run_tflite_file(path.string(), sets);
  tfjs::OutputAgreement agreement(2);
  Engine engine(graph);
  for (size_t s = 0; s < sets.size(); ++s) {
    const TensorView ours = engine.run({sets[s][0].data->data()})[0];
    agreement.add(ours, tfjs::view_of(theirs[s][0]));
  }
  std::printf("[ tfjs  ] %-45s top-1 agreement %6.2f %%, within 2 steps %7.3f %%, worst %g steps (%lld images)\n",
              c.model, 100 * agreement.top1_agreement(), 100 * agreement.within_tolerance(), agreement.worst_steps(),
              static_cast<long long>(agreement.sets()));
  EXPECT_GE(agreement.top1_agreement(), 0.97);
  EXPECT_GE(agreement.within_tolerance(), 0.99);
}

INSTANTIATE_TEST_SUITE_P(Models, TfjsConverted, ::testing::ValuesIn(kClassifiers), test_name);

}  // namespace
}  // namespace octet
