// ema: exponential moving average of each batch's min and max,
//   m <- m + c * (batch_m - m), c = 0.01 by default,
// started at the first batch's own min/max. This is TF's MovingAvgQuantize
// update (m <- decay * m + (1 - decay) * batch_m) with decay = 1 - c; we take
// c = 0.01 (PyTorch's MovingAverageMinMaxObserver default) rather than TF's
// training-time decay 0.999, because calibration sees hundreds of batches, not
// hundreds of thousands: with 0.999 the first batch would dominate. Compared
// with minmax, one outlier batch moves the range by only c of its excess.
// The result depends on the order of batches: calibration feeds it in sample
// order whatever the number of threads.
#include "calib/batch_stats.h"
#include "calib/observer.h"

namespace octet::calib {
namespace {

class EmaObserver : public OrderedObserver {
 public:
  explicit EmaObserver(float averaging_constant) : c_(averaging_constant) {}

  void observe_stats(const BatchStats& s) override {
    nonfinite_ += s.nonfinite;
    if (s.finite == 0) return;  // a batch with nothing finite carries no range
    if (!seen_) {
      range_ = {s.min, s.max};
      seen_ = true;
      return;
    }
    range_.min += c_ * (s.min - range_.min);
    range_.max += c_ * (s.max - range_.max);
  }
  QuantRange range() const override { return range_; }
  uint64_t nonfinite() const override { return nonfinite_; }

 private:
  float c_;
  QuantRange range_;
  bool seen_ = false;
  uint64_t nonfinite_ = 0;
};

}  // namespace

std::unique_ptr<Observer> make_ema_observer(float averaging_constant) {
  return std::make_unique<EmaObserver>(averaging_constant);
}

}  // namespace octet::calib
