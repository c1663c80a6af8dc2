// minmax: the global min and max over every batch, which is what TFLite's
// calibrator records (calibration_logger.h's MinMax) and its converter uses.
#include <algorithm>

#include "calib/batch_stats.h"
#include "calib/observer.h"

namespace octet::calib {
namespace {

class MinMaxObserver : public Observer {
 public:
  void observe(const float* data, int64_t n) override {
    const BatchStats s = scan_batch(data, n);
    nonfinite_ += s.nonfinite;
    if (s.finite == 0) return;
    range_.min = seen_ ? std::min(range_.min, s.min) : s.min;
    range_.max = seen_ ? std::max(range_.max, s.max) : s.max;
    seen_ = true;
  }
  QuantRange range() const override { return range_; }
  uint64_t nonfinite() const override { return nonfinite_; }

 private:
  QuantRange range_;
  bool seen_ = false;
  uint64_t nonfinite_ = 0;
};

}  // namespace

std::unique_ptr<Observer> make_minmax_observer() { return std::make_unique<MinMaxObserver>(); }

}  // namespace octet::calib
