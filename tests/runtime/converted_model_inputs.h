// The int8 file octet converted for a shared classifier (quantized_models_test
// leaves it in converted/, ctest fixture converted_models), read back, with
// evaluation images preprocessed as its input: what every runtime conformance
// test on real models compares.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "graph/error.h"
#include "import/load_model.h"
#include "io/model_input.h"
#include "models/shared_classifiers.h"

namespace octet::shared_models {

struct ConvertedModel {
  std::filesystem::path path;
  Graph graph;
  std::vector<std::vector<Tensor>> inputs;  // one set (a single tensor) per image
};

// The int8 file at `path`, read back, with up to `images` evaluation images
// of classifier `c`'s data (split_images: none of the 100 octet calibrates
// on), spread evenly, preprocessed with `c`'s flags as its input.
// Error(BadFile) when the file is missing.
inline ConvertedModel load_int8_model(const std::filesystem::path& path, const Classifier& c, size_t images) {
  ConvertedModel m{path, {}, {}};
  if (!std::filesystem::exists(m.path)) fail(ErrorKind::BadFile, m.path.string() + " missing");
  m.graph = load_model(m.path.string());
  if (m.graph.inputs.size() != 1) fail(ErrorKind::BadFile, m.path.string() + " has more than one input");
  const Tensor& input = m.graph.tensor(m.graph.inputs[0]);
  const Preprocess recipe = parse_preprocess(c.flags, input.shape);
  for (const LabeledImage& image : split_images(labelled_images(c), 100, images).eval)
    m.inputs.push_back({load_model_input(image.path, input, recipe)});
  return m;
}

// The file octet converted from `c` (quantized_models_test writes it).
inline ConvertedModel load_converted_model(const Classifier& c, size_t images) {
  return load_int8_model(converted_model_path(c), c, images);
}

}  // namespace octet::shared_models
