#include "calib/calibrate.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "calib/channel_sums.h"
#include "calib/sample_pipeline.h"
#include "graph/error.h"
#include "io/model_input.h"
#include "runtime/engine.h"

namespace octet::calib {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// One observed tensor and the observer that decides its range. A mergeable
// observer receives the runners' observers at the end; an ordered one (ema)
// is fed each sample's BatchStats in sample order, from the record's
// `ordered` entry number `ordered`. A tensor whose channel means are asked
// for (options.mean_tensors[mean]) has its sums in the record's entry `mean`.
struct Slot {
  TensorRange info;
  std::unique_ptr<Observer> observer;
  int ordered = -1;
  int mean = -1;
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
  int ordered = 0;
  for (int id : calibrated_tensors(graph)) {
    slot_of[id] = static_cast<int>(slots.size());
    Slot slot;
    slot.info.tensor_id = id;
    slot.info.name = graph.tensor(id).name;
    auto override_method = options.overrides.find(slot.info.name);
    slot.info.method =
        override_method == options.overrides.end() ? options.method : override_method->second;
    slot.observer = make_observer(slot.info.method, options.observer);
    if (dynamic_cast<OrderedObserver*>(slot.observer.get())) slot.ordered = ordered++;
    else if (!dynamic_cast<MergeableObserver*>(slot.observer.get()))
      fail(ErrorKind::Internal, "observer '" + slot.info.method + "' is neither mergeable nor ordered");
    slots.push_back(std::move(slot));
  }
  check_overrides(graph, slot_of, options);
  for (size_t m = 0; m < options.mean_tensors.size(); ++m) {
    const int id = options.mean_tensors[m];
    if (id < 0 || id >= static_cast<int>(slot_of.size()) || slot_of[id] < 0)
      fail(ErrorKind::Internal, "channel means asked of tensor " + std::to_string(id) + ", which is not observed");
    Slot& slot = slots[slot_of[id]];
    if (slot.mean >= 0) fail(ErrorKind::Internal, "channel means asked twice of tensor " + std::to_string(id));
    slot.mean = static_cast<int>(m);
  }
  return slots;
}

void check_set_matches(const Graph& graph, const CalibrationSet& set) {
  std::vector<std::string> names;
  for (int id : graph.inputs) names.push_back(graph.tensor(id).name);
  if (names != set.input_names)
    fail(ErrorKind::Internal, "calibration set " + set.path + " was listed for other model inputs");
}

// A sample's input values, or why its files are unusable.
struct LoadedSample {
  std::vector<Tensor> values;
  std::optional<Error> unusable;
  double seconds = 0.0;
};

// What folding needs of a run sample: no tensor data.
struct SampleRecord {
  std::optional<Error> unusable;
  std::vector<BatchStats> ordered;  // per ordered slot (Slot::ordered)
  std::vector<ChannelSums> channel_sums;  // per options.mean_tensors entry
  CalibrationTimings seconds;       // loading, running, observing
};

// Unusable files (Error(BadInput)) are recorded, to be skipped with a warning
// in sample order. Other errors propagate: they would fail every sample alike.
LoadedSample load_sample(const Graph& graph, const CalibrationSample& sample, const Preprocess& recipe) {
  const Clock::time_point start = Clock::now();
  LoadedSample loaded;
  try {
    for (size_t i = 0; i < sample.files.size(); ++i)
      loaded.values.push_back(load_model_input(sample.files[i], graph.tensor(graph.inputs[i]), recipe));
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::BadInput) throw;
    loaded.values.clear();
    loaded.unusable = e;
  }
  loaded.seconds = seconds_since(start);
  return loaded;
}

// A runner thread's own engine and observers (null for ordered slots).
class Runner {
 public:
  // One thread per engine, whose kernels summarise what they write where
  // they can, which saves observing those tensors a pass over their values.
  static EngineOptions summarising() {
    EngineOptions options;
    options.summarise = true;
    return options;
  }

  Runner(const Graph& graph, const std::vector<Slot>& slots, const std::vector<int>& slot_of,
         const CalibrationOptions& options)
      : engine_(graph, summarising()), slots_(slots), slot_of_(slot_of), mean_count_(options.mean_tensors.size()) {
    for (const Slot& slot : slots) {
      observers_.push_back(slot.ordered < 0 ? make_observer(slot.info.method, options.observer) : nullptr);
      ordered_count_ += slot.ordered >= 0;
    }
  }

  SampleRecord run(LoadedSample& sample) {
    SampleRecord record;
    record.seconds.loading = sample.seconds;
    record.unusable = std::move(sample.unusable);
    if (record.unusable) return record;
    const Clock::time_point start = Clock::now();
    record.ordered.resize(ordered_count_);
    record.channel_sums.resize(mean_count_);
    const TensorObserver feed = [&](int id, const TensorView& value) {
      const int s = slot_of_[id];
      if (s < 0) return;
      const Clock::time_point observe_start = Clock::now();
      // The channel sums' pass yields the batch's stats too; a kernel's
      // summary of its output yields both without a pass.
      const OutputSummary* summary = engine_.summary_of(id);
      const float* data = value.as<float>();
      const int64_t n = value.element_count();
      std::optional<BatchStats> stats;
      if (slots_[s].mean >= 0) {
        ChannelSums& sums = record.channel_sums[slots_[s].mean];
        stats = summary ? sums.set(value, *summary) : sums.set(value);
      } else if (summary) {
        stats = stats_of(*summary, n);
      }
      if (observers_[s]) {
        if (stats) observers_[s]->observe_with_stats(data, n, *stats);
        else observers_[s]->observe(data, n);
      } else {
        record.ordered[slots_[s].ordered] = stats ? *stats : scan_batch(data, n, ZeroCount::Skip);
      }
      record.seconds.observing += seconds_since(observe_start);
    };
    std::vector<const void*> buffers;
    for (const Tensor& value : sample.values) buffers.push_back(value.data->data());
    engine_.run(buffers, feed);
    sample.values.clear();  // the inputs are not needed any longer
    record.seconds.running = seconds_since(start);
    return record;
  }

  const Observer* observer(size_t slot) const { return observers_[slot].get(); }

 private:
  Engine engine_;
  const std::vector<Slot>& slots_;
  const std::vector<int>& slot_of_;
  size_t mean_count_;
  std::vector<std::unique_ptr<Observer>> observers_;
  int ordered_count_ = 0;
};

// fn(i) for i in [0, count) on `threads` threads; rethrows the first error.
void for_each_index(size_t count, int threads, const std::function<void(size_t)>& fn) {
  std::atomic<size_t> next{0};
  std::mutex mutex;
  std::exception_ptr error;
  auto work = [&] {
    try {
      for (size_t i = next++; i < count; i = next++) fn(i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex);
      if (!error) error = std::current_exception();
      next = count;
    }
  };
  std::vector<std::thread> helpers;
  for (int t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& h : helpers) h.join();
  if (error) std::rethrow_exception(error);
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

int calibration_threads(const CalibrationOptions& options) {
  if (options.threads > 0) return options.threads;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

CalibrationResult calibrate(const Graph& graph, const CalibrationSet& set,
                            const Preprocess& recipe, const CalibrationOptions& options,
                            Progress* progress) {
  const Clock::time_point start = Clock::now();
  check_set_matches(graph, set);
  std::vector<int> slot_of;
  std::vector<Slot> slots = make_slots(graph, options, slot_of);
  const int64_t count = static_cast<int64_t>(set.samples.size());
  const int threads = static_cast<int>(std::clamp<int64_t>(count, 1, calibration_threads(options)));
  std::vector<std::unique_ptr<Runner>> runners;
  for (int r = 0; r < threads; ++r)
    runners.push_back(std::make_unique<Runner>(graph, slots, slot_of, options));

  CalibrationResult result;
  result.threads = threads;
  std::vector<ChannelSums> means(options.mean_tensors.size());
  SkippedInputs skipped("calibration sample");
  if (progress) progress->start("calibrating", count);
  PipelineStages<LoadedSample, SampleRecord> stages;
  stages.load = [&](int64_t i) { return load_sample(graph, set.samples[i], recipe); };
  stages.run = [&](int runner, int64_t, LoadedSample& sample) { return runners[runner]->run(sample); };
  stages.fold = [&](int64_t, SampleRecord& record) {
    result.seconds.loading += record.seconds.loading;
    result.seconds.running += record.seconds.running;
    result.seconds.observing += record.seconds.observing;
    if (record.unusable) {
      skipped.add(*record.unusable, progress);
    } else {
      ++result.used;
      for (Slot& slot : slots)
        if (slot.ordered >= 0)
          static_cast<OrderedObserver&>(*slot.observer).observe_stats(record.ordered[slot.ordered]);
      // In sample order, so that the float sums do not depend on threads.
      for (size_t m = 0; m < record.channel_sums.size(); ++m) means[m].add(record.channel_sums[m]);
    }
    if (progress) progress->step();
  };
  // Decoding an image costs a tenth of running a CNN on it or less, so half as
  // many loaders as runners keep them fed; a loader per runner would only
  // take cores from them (MobileNetV2 on 2 cores: 4 % slower). Two samples
  // per runner in flight (one running, one loaded) plus one per loader.
  const int loaders = std::max(1, threads / 2);
  run_pipeline(count, {loaders, threads, 2 * threads + loaders}, std::move(stages));
  if (progress) progress->finish();
  result.skipped = skipped.count();

  if (result.used == 0)
    fail(ErrorKind::BadInput, set.path + ": no usable calibration samples (" +
                                  std::to_string(result.skipped) + " skipped)");
  if (result.skipped > 0)
    spdlog::warn("{} of {} calibration samples skipped as unusable", result.skipped, count);
  // Each tensor's merge and range search (entropy's KL search takes tens of
  // milliseconds) is independent of the others: spread over the threads too.
  for_each_index(slots.size(), threads, [&](size_t s) {
    Slot& slot = slots[s];
    if (slot.ordered < 0)
      for (const auto& runner : runners)
        static_cast<MergeableObserver&>(*slot.observer).merge(*runner->observer(s));
    slot.info.range = slot.observer->range();
    slot.info.nonfinite = slot.observer->nonfinite();
    slot.info.values = static_cast<uint64_t>(result.used * graph.tensor(slot.info.tensor_id).element_count());
  });
  for (Slot& slot : slots) result.tensors.push_back(std::move(slot.info));
  for (size_t m = 0; m < means.size(); ++m) {
    std::vector<double>& mean = result.channel_means[options.mean_tensors[m]];
    for (size_t c = 0; c < means[m].sum.size(); ++c)
      mean.push_back(means[m].count[c] ? means[m].sum[c] / static_cast<double>(means[m].count[c]) : 0.0);
  }
  report_tensor_warnings(result.tensors);
  result.seconds.total = seconds_since(start);
  spdlog::debug("calibration: {} samples on {} threads in {:.2f} s; thread-seconds: loading {:.2f}, "
                "engine {:.2f} (of which observers {:.2f})",
                count, threads, result.seconds.total, result.seconds.loading, result.seconds.running,
                result.seconds.observing);
  return result;
}

}  // namespace octet::calib
