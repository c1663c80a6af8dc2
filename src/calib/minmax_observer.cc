// minmax: the global min and max over every batch, which is what TFLite's
// calibrator records (calibration_logger.h's MinMax) and its converter uses.
#include <algorithm>

#include "calib/batch_stats.h"
#include "calib/observer.h"

namespace octet::calib {
namespace {

class MinMaxObserver : public MergeableObserver {
 public:
  void observe(const float* data, int64_t n) override {
    observe_with_stats(data, n, scan_batch(data, n, ZeroCount::Skip));
  }
  void observe_with_stats(const float*, int64_t, const BatchStats& s) override {
    nonfinite_ += s.nonfinite;
    if (s.finite > 0) add_range({s.min, s.max});
  }
  void merge(const Observer& other) override {
    const auto& o = same_method<MinMaxObserver>(other);
    nonfinite_ += o.nonfinite_;
    if (o.seen_) add_range(o.range_);
  }
  QuantRange range() const override { return range_; }
  uint64_t nonfinite() const override { return nonfinite_; }

 private:
  void add_range(QuantRange r) {
    range_.min = seen_ ? std::min(range_.min, r.min) : r.min;
    range_.max = seen_ ? std::max(range_.max, r.max) : r.max;
    seen_ = true;
  }

  QuantRange range_;
  bool seen_ = false;
  uint64_t nonfinite_ = 0;
};

}  // namespace

std::unique_ptr<Observer> make_minmax_observer() { return std::make_unique<MinMaxObserver>(); }

}  // namespace octet::calib
