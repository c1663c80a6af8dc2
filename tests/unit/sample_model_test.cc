// The bundled sample model reproduces, in octet's float engine, what PyTorch
// computed when tools/train_sample_model.py trained and exported it.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "import/load_model.h"
#include "io/dataset.h"
#include "io/preprocess.h"
#include "runtime/engine.h"

namespace octet {
namespace {

const std::string kDir = std::string(OCTET_SOURCE_DIR) + "/models/fashion_mnist/";

nlohmann::json expected() {
  std::ifstream in(kDir + "expected.json");
  return nlohmann::json::parse(in);
}

TEST(SampleModel, LogitsMatchPyTorch) {
  auto want = expected()["first_image"];
  Graph graph = load_model(kDir + "fashion_mobilenet.onnx");
  Preprocess recipe = parse_preprocess({"", "", "0", "255", "gray", ""}, graph.tensor(graph.inputs[0]).shape);
  Tensor input = load_image_tensor(kDir + want["path"].get<std::string>(), recipe);
  Engine engine(graph);
  TensorView logits = engine.run({input.data->data()})[0];
  ASSERT_EQ(logits.element_count(), 10);
  for (int i = 0; i < 10; ++i) EXPECT_NEAR(logits.as<float>()[i], want["float_logits"][i].get<float>(), 1e-4) << i;
}

TEST(SampleModel, AccuracyOnBundledImagesMatchesPyTorch) {
  Graph graph = load_model(kDir + "fashion_mobilenet.onnx");
  Preprocess recipe = parse_preprocess({"", "", "0", "255", "gray", ""}, graph.tensor(graph.inputs[0]).shape);
  Engine engine(graph);
  auto images = list_image_folder(kDir + "images");
  ASSERT_EQ(images.size(), 100u);
  int correct = 0;
  for (const auto& image : images) {
    Tensor input = load_image_tensor(image.path, recipe);
    TensorView out = engine.run({input.data->data()})[0];
    const float* v = out.as<float>();
    if (std::max_element(v, v + 10) - v == image.label) ++correct;
  }
  EXPECT_NEAR(correct / 100.0, expected()["float_accuracy_bundled_images"].get<double>(), 1e-9);
}

}  // namespace
}  // namespace octet
