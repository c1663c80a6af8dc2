// percentile: clip at a quantile of the data. By default symmetric: T = |x| at
// `percent` %, range [-T, T] cut to the data (one-sided for non-negative
// tensors). Two-sided: [x at (100 - percent) %, x at percent %] of a signed
// histogram, for tensors whose tails differ.
#include "calib/calibration.h"
#include "calib/histogram_observer.h"

namespace octet::calib {

std::unique_ptr<Observer> make_percentile_observer(double percent, bool two_sided, int bins) {
  if (two_sided) {
    return std::make_unique<HistogramObserver>(
        Histogram::Mode::Signed, bins,
        [percent](const Histogram& h) { return percentile_range(h, percent); });
  }
  return std::make_unique<HistogramObserver>(
      Histogram::Mode::Magnitude, bins, [percent](const Histogram& h) {
        return threshold_range(h, percentile_threshold(h, percent));
      });
}

}  // namespace octet::calib
