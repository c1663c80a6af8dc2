// Range observers: see a tensor's values batch by batch during calibration and
// report the range to quantize it with. One file per method; the histogram
// methods are thin wrappers over the pure searches in calibration.h.
//
//   minmax      global min/max over all batches (TFLite's calibrator)
//   ema         moving average of per-batch min/max, constant 0.01
//   percentile  |x| at 99.99% -> [-T, T] (or two-sided, see options)
//   entropy     KL-divergence threshold (TensorRT / ncnn)
//   mse         threshold of least expected squared error
//
// NaN and +-Inf values are skipped by every observer and counted.
//
// Calibration runs samples on several threads (calibrate.h), so every method
// is one of two kinds: a MergeableObserver (all but ema) gets one instance per
// thread, merged at the end; an OrderedObserver (ema) depends on the order of
// batches, but only through each batch's BatchStats, which the threads compute
// and calibration feeds it in sample order.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <typeinfo>
#include <vector>

#include "calib/batch_stats.h"
#include "calib/quant_params.h"
#include "graph/error.h"

namespace octet::calib {

class Observer {
 public:
  virtual ~Observer() = default;
  virtual void observe(const float* data, int64_t n) = 0;
  // observe() for a caller that has the batch's BatchStats (zeros not
  // counted) already: an observer that needs no more (minmax) skips its own
  // pass over the values.
  virtual void observe_with_stats(const float* data, int64_t n, const BatchStats& stats) { observe(data, n); }
  // The range to quantize with; {0, 0} before any finite value was seen.
  virtual QuantRange range() const = 0;
  // NaN/Inf values seen (and skipped) so far.
  virtual uint64_t nonfinite() const = 0;
};

class MergeableObserver : public Observer {
 public:
  // Adds what `other` (made by make_observer with the same method and options)
  // saw: afterwards this observer reports exactly what one observer fed the
  // batches of both, in any order, would. Error(Internal) for another method.
  virtual void merge(const Observer& other) = 0;
};

class OrderedObserver : public Observer {
 public:
  void observe(const float* data, int64_t n) final { observe_stats(scan_batch(data, n, ZeroCount::Skip)); }
  void observe_with_stats(const float*, int64_t, const BatchStats& stats) final { observe_stats(stats); }
  // The next batch, summarised.
  virtual void observe_stats(const BatchStats& stats) = 0;
};

// `other` as the observer type T that merge() needs.
template <class T>
const T& same_method(const Observer& other) {
  const T* same = dynamic_cast<const T*>(&other);
  if (!same) fail(ErrorKind::Internal, std::string("observer merge across methods: ") + typeid(other).name());
  return *same;
}

struct ObserverOptions {
  int bins = 2048;                 // histogram methods
  double percent = 99.99;          // percentile
  bool two_sided = false;          // percentile: [x at 100-p %, x at p %]
  float averaging_constant = 0.01f;  // ema
};

// The method names make_observer accepts, in the order documented above.
const std::vector<std::string>& observer_methods();

// Throws Error(Usage) naming the valid methods for an unknown `method`.
std::unique_ptr<Observer> make_observer(const std::string& method,
                                        const ObserverOptions& options = {});

// One per method, each defined in <method>_observer.cc.
std::unique_ptr<Observer> make_minmax_observer();
std::unique_ptr<Observer> make_ema_observer(float averaging_constant);
std::unique_ptr<Observer> make_percentile_observer(double percent, bool two_sided, int bins);
std::unique_ptr<Observer> make_entropy_observer(int bins);
std::unique_ptr<Observer> make_mse_observer(int bins);

}  // namespace octet::calib
