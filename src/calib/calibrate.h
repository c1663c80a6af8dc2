// The calibration driver: runs the float model over a calibration set and
// feeds every float activation to a range observer (observer.h).
//
// Observed tensors: the graph inputs and node outputs of dtype float32 (never
// constants; integer tensors such as token ids need no range). Each gets its
// own observer, made by make_observer(method) with the method of
// options.overrides[name] if present, else options.method.
//
// Threads (sample_pipeline.h): options.threads runner threads, each with its
// own Engine and its own observers, and half as many loader threads (at least
// one) decoding and preprocessing samples ahead of them. Order-free observers (all methods but ema) are
// merged exactly at the end; ema's per-sample BatchStats are fed to one
// observer in sample order, as are warnings and progress. So every method
// gives the same result for any number of threads, bit for bit, the same as
// one thread running the samples in order.
//
// Memory is flat by design: the driver holds each runner's Engine arena
// (planned once) and observers (fixed size: a histogram of
// options.observer.bins bins at most), and at most a few samples per thread in
// flight (loaded inputs waiting to run, small per-sample records waiting to be
// folded in order). The set itself is a list of paths. Nothing is kept per
// sample once it has been folded.
//
// One pass: every method is single-pass. The histogram methods need no first
// pass to fix a range, because Histogram (histogram.h) grows its range
// exactly as larger values arrive; so no file is read twice.
//
// Unusable samples (an image that does not decode, a .npy that cannot be read
// or has the wrong shape or dtype) are skipped with a warning naming the file
// and counted; other errors (bad preprocessing settings, a failing kernel)
// stop calibration.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "calib/calibration_set.h"
#include "calib/observer.h"
#include "calib/quant_params.h"
#include "graph/graph.h"
#include "io/preprocess.h"
#include "io/progress.h"

namespace octet::calib {

struct CalibrationOptions {
  std::string method = "minmax";               // one of observer_methods()
  std::map<std::string, std::string> overrides;  // tensor name -> method
  ObserverOptions observer;                    // bins, percent, ema constant
  int threads = 0;  // runner threads (and half as many loaders); 0: one per core
  // Tensors whose mean per channel (last dimension) to record as well: the
  // inputs of weighted layers, for bias correction (quant/bias_correction.h).
  std::vector<int> mean_tensors;
};

// options.threads with 0 resolved to the number of cores (at least 1).
int calibration_threads(const CalibrationOptions& options);

// What calibration learnt about one tensor.
struct TensorRange {
  int tensor_id = -1;
  std::string name;
  std::string method;      // the observer that produced `range`
  QuantRange range;        // {0, 0} when no finite value was seen
  uint64_t values = 0;     // values observed over all samples
  uint64_t nonfinite = 0;  // of which NaN or +-Inf (skipped by the observer)

  bool has_finite_values() const { return values > nonfinite; }
};

// `total` is wall-clock time; the others are summed over threads, so with
// several threads they can add up to more than `total`.
struct CalibrationTimings {
  double total = 0.0;      // seconds, whole calibration
  double loading = 0.0;    // reading, decoding and preprocessing samples
  double running = 0.0;    // the float engine, observers included
  double observing = 0.0;  // of `running`, the observers alone
};

struct CalibrationResult {
  std::vector<TensorRange> tensors;  // every observed tensor, by tensor id
  int64_t used = 0;                  // samples run
  int64_t skipped = 0;               // samples left out as unusable
  int threads = 1;                   // runner threads used
  CalibrationTimings seconds;
  // For each of options.mean_tensors: the mean of every channel over all
  // samples and positions (non-finite values left out).
  std::map<int, std::vector<double>> channel_means;

  // The entry for tensor `name`, or null when it was not observed.
  const TensorRange* find(const std::string& name) const;
};

// Calibrates `graph` on `set` (made for the graph's inputs, in order), loading
// images with `recipe`. `progress` (may be null) is started with the set's
// size and stepped once per sample. Errors: an override naming no tensor, or a
// tensor that is not observed, or an unknown method is Error(Usage); zero
// usable samples is Error(BadInput) naming the calibration path.
CalibrationResult calibrate(const Graph& graph, const CalibrationSet& set,
                            const Preprocess& recipe, const CalibrationOptions& options,
                            Progress* progress = nullptr);

// The ids of the tensors calibrate() observes, ascending.
std::vector<int> calibrated_tensors(const Graph& graph);

}  // namespace octet::calib
