// Evaluation: runs a float model and its int8 twin on the same labelled
// images and measures both (top-1 / top-5 accuracy), and how far the int8
// model strays from the float one (top-1 agreement, SQNR of each output).
//
// Both models take one image input each; each has its own preprocessing
// recipe (the float model may be NCHW float32, the int8 one NHWC int8: see
// io/model_input.h for how an image becomes an integer input). Integer
// outputs are dequantized (eval/real_values.h) before anything is measured.
// Output 0 is the classification output: top-k and agreement use it; SQNR is
// measured on every output.
//
// As in calibration, an unusable image (unreadable, undecodable) is skipped
// with a warning naming it and counted; zero usable images is
// Error(BadInput). One image is held at a time, so memory stays flat.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "eval/metrics.h"
#include "graph/graph.h"
#include "io/dataset.h"
#include "io/preprocess.h"
#include "io/progress.h"

namespace octet::eval {

struct EvalModel {
  std::string path;  // names the model in messages
  const Graph* graph = nullptr;
  Preprocess recipe;  // image -> this model's input
};

struct EvalOptions {
  std::string source;  // names the image set (e.g. the --data folder) in messages
  // The model's class index of an image with label L is L + label_offset
  // (1 for TF ImageNet models whose class 0 is "background").
  int label_offset = 0;
};

struct OutputSqnr {
  std::string float_name, int8_name;
  SqnrAccumulator sqnr;
};

struct EvalResult {
  int64_t images = 0;   // images offered
  int64_t used = 0;     // run through both models
  int64_t skipped = 0;  // unusable, left out
  ClassificationTally classes;
  std::vector<OutputSqnr> outputs;  // one per model output, in order
  double seconds = 0.0;             // the whole loop: loading and both models

  double images_per_second() const { return seconds > 0 ? used / seconds : 0.0; }
};

// The model's only input, which images feed. A model with no input or several
// is Error(Usage) naming the file.
const Tensor& image_input(const Graph& graph, const std::string& path);

// Error(BadShape) naming both files unless the models have as many outputs
// and each pair has the same shape (size-1 dimensions aside: [1,1000,1,1]
// and [1,1000] hold the same values in the same order).
void check_comparable(const EvalModel& float_model, const EvalModel& int8_model);

// Runs both models on `images`, in order. Error(Usage) up front when a label
// plus the offset is not a class of output 0. `progress` (may be null) is
// started with the image count and stepped once per image.
EvalResult evaluate(const EvalModel& float_model, const EvalModel& int8_model,
                    const std::vector<LabeledImage>& images, const EvalOptions& options,
                    Progress* progress = nullptr);

// Every number of `result` (see `octet eval --help` for the keys). A SQNR
// that is not finite is null, with "identical": true when there was no noise.
nlohmann::json to_json(const EvalResult& result);

}  // namespace octet::eval
