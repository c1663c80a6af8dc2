// entropy: TensorRT's KL-divergence threshold on a histogram of |x|
// (calibration.h's entropy_threshold); range [-T, T] cut to the data, so a
// non-negative tensor such as a ReLU output gets the one-sided [0, T].
#include "calib/calibration.h"
#include "calib/histogram_observer.h"

namespace octet::calib {

std::unique_ptr<Observer> make_entropy_observer(int bins) {
  return std::make_unique<HistogramObserver>(
      Histogram::Mode::Magnitude, bins,
      [](const Histogram& h) { return threshold_range(h, entropy_threshold(h)); });
}

}  // namespace octet::calib
