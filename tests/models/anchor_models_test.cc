// The int8 files other tools made (../shared/anchors), imported as they are
// and run by octet's Engine on the images of ../shared/data, reproduce the
// top-1 that shared/models/MODELS.md measured with the TFLite interpreter
// within 0.6 points: octet reads quantized files and its integer kernels
// compute what TFLite's do.
#include <gtest/gtest.h>

#include <cstdio>
#include <iterator>

#include "eval/metrics.h"
#include "eval/real_values.h"
#include "import/load_model.h"
#include "io/model_input.h"
#include "runtime/engine.h"
#include "shared_classifiers.h"

namespace octet {
namespace {

using namespace shared_models;

// Classifier::model is a path under shared/anchors here. An image reaches an
// integer input as octet feeds one (io/model_input.h): preprocessed to float
// with the recipe, then quantized with the input's scale and zero point. Each
// recipe is chosen so that this is exactly MODELS.md's input mapping.
const Classifier kAnchors[] = {
    // q = pixel - 128: raw pixels (mean 0, std 1) at scale 1, zero point -128.
    {"cifar10/resnet8_int8.tflite", "cifar10", "", {"", "", "0", "1", "rgb", ""}, 0, 74.84},
    // q = pixel: (pixel - 127) / 127.5 at scale 1/127.5, zero point 127.
    {"imagenet/tf2_mobilenet_v2_1.0_224_ptq.tflite", "imagenet", "imagenet/synsets_1000.txt",
     {"256", "224", "127", "127.5", "rgb", ""}, 1, 86.0},
};

// MODELS.md's mapping, q = pixel + offset, for the anchors above in order.
const int kPixelOffsets[] = {-128, 0};

Graph load_anchor(const Classifier& c) { return load_model((shared_dir() / "anchors" / c.model).string()); }

// The class octet's int8 model ranks first; ties go to the lowest index, as
// MODELS.md counts them.
int64_t top1_class(const TensorView& output) {
  const std::vector<float> real = eval::real_values(output, "output");
  return eval::top_k(real.data(), static_cast<int64_t>(real.size()), 1).at(0);
}

class AnchorClassifier : public ::testing::TestWithParam<Classifier> {};

TEST_P(AnchorClassifier, ReproducesTop1) {
  require_shared();
  if (IsSkipped() || HasFatalFailure()) return;
  const Classifier& c = GetParam();
  const Graph graph = load_anchor(c);
  ASSERT_EQ(graph.inputs.size(), 1u);
  const Tensor& input = graph.tensor(graph.inputs[0]);
  const Preprocess recipe = parse_preprocess(c.flags, input.shape);
  const std::vector<LabeledImage> images = labelled_images(c);
  ASSERT_FALSE(images.empty());

  Engine engine(graph);
  int correct = 0;
  for (const LabeledImage& image : images) {
    const Tensor value = load_model_input(image.path, input, recipe);
    if (top1_class(engine.run({value.data->data()})[0]) == image.label + c.label_offset) ++correct;
  }
  const double top1 = 100.0 * correct / images.size();
  std::printf("[ top-1 ] %-45s %6.2f %% (%d/%zu), MODELS.md %6.2f %%\n", c.model, top1, correct, images.size(),
              c.expected_top1);
  EXPECT_NEAR(top1, c.expected_top1, 0.6);
}

INSTANTIATE_TEST_SUITE_P(Anchors, AnchorClassifier, ::testing::ValuesIn(kAnchors), test_name);

// The recipes above feed each anchor MODELS.md's integers: checked against
// the raw pixels of the same crop.
TEST(AnchorInputs, RecipesGiveTheMappingOfModelsMd) {
  require_shared();
  if (IsSkipped() || HasFatalFailure()) return;
  for (size_t a = 0; a < std::size(kAnchors); ++a) {
    const Classifier& c = kAnchors[a];
    SCOPED_TRACE(c.model);
    const Graph graph = load_anchor(c);
    const Tensor& input = graph.tensor(graph.inputs.at(0));
    const std::string image = labelled_images(c).at(0).path;
    PreprocessFlags raw_flags = c.flags;
    raw_flags.mean = "0";
    raw_flags.std = "1";
    const Tensor pixels = load_image_tensor(image, parse_preprocess(raw_flags, input.shape));
    const Tensor value = load_model_input(image, input, parse_preprocess(c.flags, input.shape));
    ASSERT_EQ(value.element_count(), pixels.element_count());
    int mismatches = 0;
    for (int64_t i = 0; i < value.element_count(); ++i) {
      const int q = input.dtype == DType::UInt8 ? value.data_as<uint8_t>()[i] : value.data_as<int8_t>()[i];
      mismatches += q != static_cast<int>(pixels.data_as<float>()[i]) + kPixelOffsets[a];
    }
    EXPECT_EQ(mismatches, 0);
  }
}

// No labelled data for visual wake words: the int8 model runs on images and
// its softmax output (scale 1/256) sums to 1 within rounding.
TEST(AnchorUnlabelled, VisualWakeWordsRunsOnImages) {
  require_shared();
  if (IsSkipped() || HasFatalFailure()) return;
  const Graph graph = load_model((shared_dir() / "anchors/vww/person_96_int8.tflite").string());
  const Tensor& input = graph.tensor(graph.inputs.at(0));
  // MODELS.md: q = pixel - 128 at scale 1/255, zero point -128, i.e. x / 255.
  const Preprocess recipe = parse_preprocess({"96", "96", "0", "255", "rgb", ""}, input.shape);
  const std::vector<LabeledImage> images = list_image_folder((shared_dir() / "data/imagenet").string());
  Engine engine(graph);
  for (size_t i = 0; i < 5; ++i) {
    const Tensor value = load_model_input(images.at(i).path, input, recipe);
    const std::vector<float> out = eval::real_values(engine.run({value.data->data()})[0], "output");
    ASSERT_EQ(out.size(), 2u);
    EXPECT_NEAR(out[0] + out[1], 1.0, 2.0 / 256) << images[i].path;
  }
}

}  // namespace
}  // namespace octet
