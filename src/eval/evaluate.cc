#include "eval/evaluate.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <optional>
#include <utility>

#include "eval/real_values.h"
#include "graph/error.h"
#include "io/model_input.h"
#include "runtime/engine.h"

namespace octet::eval {
namespace {

constexpr int kRanked = 5;  // top-5

Shape without_unit_dims(const Shape& shape) {
  Shape kept;
  for (int64_t d : shape)
    if (d != 1) kept.push_back(d);
  return kept;
}

// One model with its engine, fed one image at a time.
class Runner {
 public:
  explicit Runner(const EvalModel& model)
      : model_(model), input_(image_input(*model.graph, model.path)), engine_(*model.graph) {}

  Tensor load(const std::string& path) const { return load_model_input(path, input_, model_.recipe); }

  // Every output's real values.
  std::vector<std::vector<float>> run(const Tensor& input) {
    std::vector<TensorView> views = engine_.run({input.data->data()});
    std::vector<std::vector<float>> outputs;
    for (size_t i = 0; i < views.size(); ++i)
      outputs.push_back(real_values(views[i], model_.graph->tensor(model_.graph->outputs[i]).name));
    return outputs;
  }

 private:
  const EvalModel& model_;
  const Tensor& input_;
  Engine engine_;
};

// The model's class index of an image, or -1 when it has no label.
int64_t true_class(const LabeledImage& image, const EvalOptions& options) {
  return image.label < 0 ? -1 : int64_t{image.label} + options.label_offset;
}

void check_labels(const std::vector<LabeledImage>& images, const EvalOptions& options, int64_t classes) {
  for (const LabeledImage& image : images) {
    const int64_t cls = true_class(image, options);
    if (image.label >= 0 && (cls < 0 || cls >= classes))
      fail(ErrorKind::Usage, image.path + ": label " + std::to_string(image.label) + " with --label-offset " +
                                 std::to_string(options.label_offset) + " is class " + std::to_string(cls) +
                                 ", but the models have " + std::to_string(classes) +
                                 " classes: check --labels and --label-offset");
  }
}

// The image as both models' inputs; nothing (the file counted and reported as
// skipped) when it cannot be used. Other errors would fail every image alike.
std::optional<std::pair<Tensor, Tensor>> load_inputs(const std::string& path, const Runner& float_runner,
                                                     const Runner& int8_runner, SkippedInputs& skipped,
                                                     Progress* progress) {
  try {
    return std::make_pair(float_runner.load(path), int8_runner.load(path));
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::BadInput) throw;
    skipped.add(e, progress);
    return std::nullopt;
  }
}

// Both models' outputs for one image, added to the tallies.
void record(const std::vector<std::vector<float>>& reference, const std::vector<std::vector<float>>& quantized,
            int64_t cls, EvalResult& result) {
  for (size_t i = 0; i < reference.size(); ++i)
    result.outputs[i].sqnr.add(reference[i].data(), quantized[i].data(), static_cast<int64_t>(reference[i].size()));
  result.classes.add(top_k(reference[0].data(), static_cast<int64_t>(reference[0].size()), kRanked),
                     top_k(quantized[0].data(), static_cast<int64_t>(quantized[0].size()), kRanked), cls);
  ++result.used;
}

nlohmann::json hits_json(const TopKHits& hits, int64_t labelled) {
  nlohmann::json j;
  j["top1"] = labelled > 0 ? nlohmann::json(percent(hits.top1, labelled)) : nlohmann::json();
  j["top5"] = labelled > 0 ? nlohmann::json(percent(hits.top5, labelled)) : nlohmann::json();
  j["top1_count"] = hits.top1;
  j["top5_count"] = hits.top5;
  return j;
}

}  // namespace

const Tensor& image_input(const Graph& graph, const std::string& path) {
  if (graph.inputs.size() != 1)
    fail(ErrorKind::Usage, path + " has " + std::to_string(graph.inputs.size()) +
                               " inputs; evaluation feeds one image to a model with one input");
  return graph.tensor(graph.inputs[0]);
}

void check_comparable(const EvalModel& float_model, const EvalModel& int8_model) {
  const Graph &f = *float_model.graph, &q = *int8_model.graph;
  const std::string models = float_model.path + " and " + int8_model.path;
  if (f.outputs.size() != q.outputs.size())
    fail(ErrorKind::BadShape, models + " do not match: " + std::to_string(f.outputs.size()) + " outputs vs " +
                                  std::to_string(q.outputs.size()));
  for (size_t i = 0; i < f.outputs.size(); ++i) {
    const Tensor &a = f.tensor(f.outputs[i]), &b = q.tensor(q.outputs[i]);
    if (without_unit_dims(a.shape) != without_unit_dims(b.shape))
      fail(ErrorKind::BadShape, models + " do not match: output " + std::to_string(i) + " is '" + a.name + "' " +
                                    shape_string(a.shape) + " vs '" + b.name + "' " + shape_string(b.shape));
  }
}

EvalResult evaluate(const EvalModel& float_model, const EvalModel& int8_model,
                    const std::vector<LabeledImage>& images, const EvalOptions& options, Progress* progress) {
  check_comparable(float_model, int8_model);
  const Graph& f = *float_model.graph;
  check_labels(images, options, f.tensor(f.outputs.at(0)).element_count());
  Runner float_runner(float_model), int8_runner(int8_model);
  EvalResult result;
  result.images = static_cast<int64_t>(images.size());
  for (size_t i = 0; i < f.outputs.size(); ++i)
    result.outputs.push_back({f.tensor(f.outputs[i]).name,
                              int8_model.graph->tensor(int8_model.graph->outputs[i]).name, {}});

  SkippedInputs skipped("image");
  const auto start = std::chrono::steady_clock::now();
  if (progress) progress->start("evaluating", result.images);
  for (const LabeledImage& image : images) {
    if (auto inputs = load_inputs(image.path, float_runner, int8_runner, skipped, progress))
      record(float_runner.run(inputs->first), int8_runner.run(inputs->second), true_class(image, options), result);
    if (progress) progress->step();
  }
  if (progress) progress->finish();
  result.skipped = skipped.count();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (result.used == 0)
    fail(ErrorKind::BadInput, options.source + ": no usable images (" + std::to_string(result.skipped) + " of " +
                                  std::to_string(result.images) + " skipped as unreadable)");
  if (result.skipped > 0) spdlog::warn("{} of {} images skipped as unusable", result.skipped, result.images);
  return result;
}

nlohmann::json to_json(const EvalResult& result) {
  const ClassificationTally& c = result.classes;
  nlohmann::json j;
  j["images"] = result.images;
  j["used"] = result.used;
  j["skipped"] = result.skipped;
  j["labelled"] = c.labelled();
  j["float"] = hits_json(c.float_hits(), c.labelled());
  j["int8"] = hits_json(c.int8_hits(), c.labelled());
  j["agreement"] = percent(c.agreeing(), c.images());
  j["agreement_count"] = c.agreeing();
  j["outputs"] = nlohmann::json::array();
  for (const OutputSqnr& output : result.outputs) {
    const double db = output.sqnr.db();
    j["outputs"].push_back({{"float_name", output.float_name},
                            {"int8_name", output.int8_name},
                            {"sqnr_db", std::isfinite(db) ? nlohmann::json(db) : nlohmann::json()},
                            {"identical", output.sqnr.noise() == 0.0}});
  }
  j["seconds"] = result.seconds;
  j["images_per_second"] = result.images_per_second();
  return j;
}

}  // namespace octet::eval
