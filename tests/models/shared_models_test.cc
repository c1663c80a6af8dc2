// Every float model in ../shared/models imports, runs, and reproduces the float
// top-1 that shared/models/MODELS.md lists (measured there with ONNX Runtime or
// the TFLite interpreter) within 0.5 points on the images of ../shared/data.
#include <gtest/gtest.h>

#include <cmath>

#include "import/load_model.h"
#include "runtime/engine.h"
#include "shared_classifiers.h"

namespace octet {
namespace {

using namespace shared_models;

// Index of the largest value; ties go to the lowest index, as in MODELS.md.
int64_t argmax(const TensorView& v) {
  const float* p = v.as<float>();
  int64_t best = 0;
  for (int64_t i = 1; i < v.element_count(); ++i)
    if (p[i] > p[best]) best = i;
  return best;
}

class SharedClassifier : public ::testing::TestWithParam<Classifier> {};

TEST_P(SharedClassifier, ReproducesFloatTop1) {
  require_shared();
  if (IsSkipped() || HasFatalFailure()) return;
  const Classifier& c = GetParam();
  Graph graph = load_model((shared_dir() / "models" / c.model).string());
  ASSERT_EQ(graph.inputs.size(), 1u);
  const Shape& input_shape = graph.tensor(graph.inputs[0]).shape;
  Preprocess recipe = parse_preprocess(c.flags, input_shape);
  std::vector<LabeledImage> images = labelled_images(c);
  ASSERT_FALSE(images.empty());

  Engine engine(graph);
  int correct = 0;
  for (const LabeledImage& image : images) {
    Tensor input = load_image_tensor(image.path, recipe);
    ASSERT_EQ(input.shape, input_shape) << image.path;
    TensorView output = engine.run({input.data->data()})[0];
    if (argmax(output) == image.label + c.label_offset) ++correct;
  }
  double top1 = 100.0 * correct / images.size();
  std::printf("[ top-1 ] %-45s %6.2f %% (%d/%zu), MODELS.md %6.2f %%\n", c.model, top1, correct,
              images.size(), c.expected_top1);
  EXPECT_NEAR(top1, c.expected_top1, 0.5);
}

INSTANTIATE_TEST_SUITE_P(Models, SharedClassifier, ::testing::ValuesIn(kClassifiers), test_name);

// Models without labelled data here: they import, run, and give sane outputs.
TEST(SharedUnlabelled, KeywordSpottingRunsOnSilence) {
  require_shared();
  if (IsSkipped() || HasFatalFailure()) return;
  Graph graph = load_model((shared_dir() / "models/kws/ds_cnn_l.onnx").string());
  std::vector<float> mfcc(graph.tensor(graph.inputs[0]).element_count(), 0.0f);
  Engine engine(graph);
  TensorView out = engine.run({mfcc.data()})[0];
  ASSERT_EQ(out.element_count(), 12);
  double sum = 0;
  for (int i = 0; i < 12; ++i) sum += out.as<float>()[i];
  EXPECT_NEAR(sum, 1.0, 1e-4);  // softmax output
}

TEST(SharedUnlabelled, VisualWakeWordsRunsOnImages) {
  require_shared();
  if (IsSkipped() || HasFatalFailure()) return;
  Graph graph = load_model((shared_dir() / "models/vww/person_96.tflite").string());
  Preprocess recipe = parse_preprocess({"96", "96", "0", "255", "rgb", ""}, graph.tensor(graph.inputs[0]).shape);
  Engine engine(graph);
  auto images = list_image_folder((shared_dir() / "data/imagenet").string());
  for (size_t i = 0; i < 5; ++i) {
    Tensor input = load_image_tensor(images[i].path, recipe);
    TensorView out = engine.run({input.data->data()})[0];
    ASSERT_EQ(out.element_count(), 2);
    EXPECT_NEAR(out.as<float>()[0] + out.as<float>()[1], 1.0, 1e-4);
  }
}

TEST(SharedUnlabelled, HelloWorldApproximatesSine) {
  require_shared();
  if (IsSkipped() || HasFatalFailure()) return;
  Graph graph = load_model((shared_dir() / "models/misc/hello_world_float.tflite").string());
  Engine engine(graph);
  // MODELS.md: mean abs error 0.0124 (max 0.050) on 1000 points in [0, 2*pi].
  double total = 0, worst = 0;
  for (int i = 0; i < 1000; ++i) {
    float x = static_cast<float>(2 * M_PI * i / 999.0);
    double err = std::fabs(engine.run({&x})[0].as<float>()[0] - std::sin(x));
    total += err;
    worst = std::max(worst, err);
  }
  EXPECT_NEAR(total / 1000, 0.0124, 0.001);
  EXPECT_LE(worst, 0.051);
}

}  // namespace
}  // namespace octet
