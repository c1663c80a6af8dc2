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

#include "converted_model_inputs.h"
#include "output_agreement.h"
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
  const ConvertedModel m = load_converted_model(c, kImages);
  const tfjs::OutputAgreement agreement =
      tfjs::agreement_with_engine(m.graph, m.inputs, tfjs::run_tflite_file(m.path.string(), m.inputs), 2)[0];
  std::printf("[ tfjs  ] %-45s %s\n", c.model, agreement.summary().c_str());
  EXPECT_GE(agreement.top1_agreement(), 0.97);
  EXPECT_GE(agreement.within_tolerance(), 0.99);
}

INSTANTIATE_TEST_SUITE_P(Models, TfjsConverted, ::testing::ValuesIn(kClassifiers), test_name);

}  // namespace
}  // namespace octet
