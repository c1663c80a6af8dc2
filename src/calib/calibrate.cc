#include "calib/calibrate.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <optional>

#include "graph/error.h"
#include "io/model_input.h"
#include "runtime/engine.h"

namespace octet::calib {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// One observed tensor and its observer.
struct Slot {
  TensorRange info;
  std::unique_ptr<Observer> observer;
};

// Overrides are typed by users, so a name that calibration would never look
// at is a usage error rather than silently ignored.
void check_overrides(const Graph& graph, const std::vector<int>& slot_of,
                     const CalibrationOptions& options) {
  for (const auto& [name, method] : options.overrides) {
    const int id = graph.find_tensor(name);
    if (id == kNoTensor)
      fail(ErrorKind::Usage, "calibration override: the model has no tensor '" + name + "'");
    if (slot_of[id] < 0)
      fail(ErrorKind::Usage, "calibration override: tensor '" + name + "' is " +
                                 (graph.tensor(id).is_constant() ? "a constant"
                                                                 : "not float32") +
                                 ", it has no calibrated range");
  }
}

std::vector<Slot> make_slots(const Graph& graph, const CalibrationOptions& options,
                             std::vector<int>& slot_of) {
  std::vector<Slot> slots;
  slot_of.assign(graph.tensors.size(), -1);
  for (int id : calibrated_tensors(graph)) {
    slot_of[id] = static_cast<int>(slots.size());
    Slot slot;
    slot.info.tensor_id = id;
    slot.info.name = graph.tensor(id).name;
    auto override_method = options.overrides.find(slot.info.name);
    slot.info.method =
        override_method == options.overrides.end() ? options.method : override_method->second;
    slot.observer = make_observer(slot.info.method, options.observer);
    slots.push_back(std::move(slot));
  }
  check_overrides(graph, slot_of, options);
  return slots;
}

void check_set_matches(const Graph& graph, const CalibrationSet& set) {
  std::vector<std::string> names;
  for (int id : graph.inputs) names.push_back(graph.tensor(id).name);
  if (names != set.input_names)
    fail(ErrorKind::Internal, "calibration set " + set.path + " was listed for other model inputs");
}

// The sample's input values, or nothing (after a warning) when a file is
// unusable. Other errors propagate: they would fail every sample alike.
std::optional<std::vector<Tensor>> load_sample(const Graph& graph, const CalibrationSample& sample,
                                               const Preprocess& recipe, SkippedInputs& skipped,
                                               Progress* progress) {
  std::vector<Tensor> values;
  try {
    for (size_t i = 0; i < sample.files.size(); ++i)
      values.push_back(load_model_input(sample.files[i], graph.tensor(graph.inputs[i]), recipe));
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::BadInput) throw;
    skipped.add(e, progress);
    return std::nullopt;
  }
  return values;
}

void report_tensor_warnings(const std::vector<TensorRange>& tensors) {
  for (const TensorRange& t : tensors) {
    if (t.nonfinite > 0)
      spdlog::warn("tensor '{}': {} NaN/Inf values left out of its calibrated range", t.name,
                   t.nonfinite);
    if (!t.has_finite_values())
      spdlog::warn("tensor '{}': no finite value seen during calibration, range [0, 0]", t.name);
  }
}

}  // namespace

std::vector<int> calibrated_tensors(const Graph& graph) {
  std::vector<bool> activation(graph.tensors.size(), false);
  for (int id : graph.inputs) activation[id] = true;
  for (const Node& node : graph.nodes)
    for (int id : node.outputs) activation[id] = true;
  std::vector<int> ids;
  for (size_t id = 0; id < graph.tensors.size(); ++id) {
    const Tensor& tensor = graph.tensors[id];
    if (activation[id] && !tensor.is_constant() && tensor.dtype == DType::Float32)
      ids.push_back(static_cast<int>(id));
  }
  return ids;
}

const TensorRange* CalibrationResult::find(const std::string& name) const {
  for (const TensorRange& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

CalibrationResult calibrate(const Graph& graph, const CalibrationSet& set,
                            const Preprocess& recipe, const CalibrationOptions& options,
                            Progress* progress) {
  const Clock::time_point start = Clock::now();
  check_set_matches(graph, set);
  std::vector<int> slot_of;
  std::vector<Slot> slots = make_slots(graph, options, slot_of);
  Engine engine(graph);
  const TensorObserver feed = [&](int id, const TensorView& value) {
    if (slot_of[id] < 0) return;
    Slot& slot = slots[slot_of[id]];
    slot.observer->observe(value.as<float>(), value.element_count());
    slot.info.values += static_cast<uint64_t>(value.element_count());
  };

  CalibrationResult result;
  SkippedInputs skipped("calibration sample");
  if (progress) progress->start("calibrating", static_cast<int64_t>(set.samples.size()));
  for (const CalibrationSample& sample : set.samples) {
    const Clock::time_point load_start = Clock::now();
    std::optional<std::vector<Tensor>> values =
        load_sample(graph, sample, recipe, skipped, progress);
    const Clock::time_point run_start = Clock::now();
    result.seconds.loading += std::chrono::duration<double>(run_start - load_start).count();
    if (values) {
      std::vector<const void*> buffers;
      for (const Tensor& value : *values) buffers.push_back(value.data->data());
      engine.run(buffers, feed);
      result.seconds.running += seconds_since(run_start);
      ++result.used;
    }
    if (progress) progress->step();
  }
  if (progress) progress->finish();
  result.skipped = skipped.count();

  if (result.used == 0)
    fail(ErrorKind::BadInput, set.path + ": no usable calibration samples (" +
                                  std::to_string(result.skipped) + " skipped)");
  if (result.skipped > 0)
    spdlog::warn("{} of {} calibration samples skipped as unusable", result.skipped,
                 set.samples.size());
  for (Slot& slot : slots) {
    slot.info.range = slot.observer->range();
    slot.info.nonfinite = slot.observer->nonfinite();
    result.tensors.push_back(std::move(slot.info));
  }
  report_tensor_warnings(result.tensors);
  result.seconds.total = seconds_since(start);
  return result;
}

}  // namespace octet::calib
