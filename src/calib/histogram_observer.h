// The shared shape of the histogram methods: feed a histogram, and turn it into
// a range with one pure function from calibration.h when asked. Histograms
// merge exactly, so these observers split over threads.
#pragma once
#include <functional>
#include <utility>

#include "calib/histogram.h"
#include "calib/observer.h"

namespace octet::calib {

class HistogramObserver : public MergeableObserver {
 public:
  using RangeRule = std::function<QuantRange(const Histogram&)>;

  HistogramObserver(Histogram::Mode mode, int bins, RangeRule rule)
      : histogram_(mode, bins), rule_(std::move(rule)) {}

  void observe(const float* data, int64_t n) override { histogram_.add(data, n); }
  // Exact (histogram.h); both observers come from the same factory call, so
  // they share the rule.
  void merge(const Observer& other) override {
    histogram_.merge(same_method<HistogramObserver>(other).histogram_);
  }
  QuantRange range() const override {
    return histogram_.total() == 0 ? QuantRange{} : rule_(histogram_);
  }
  uint64_t nonfinite() const override { return histogram_.nonfinite(); }

 private:
  Histogram histogram_;
  RangeRule rule_;
};

}  // namespace octet::calib
