// mse: the clipping threshold of least expected quantization error over a
// histogram of |x| (calibration.h's mse_threshold); range [-T, T] cut to the
// data, one-sided for non-negative tensors.
#include "calib/calibration.h"
#include "calib/histogram_observer.h"

namespace octet::calib {

std::unique_ptr<Observer> make_mse_observer(int bins) {
  return std::make_unique<HistogramObserver>(
      Histogram::Mode::Magnitude, bins,
      [](const Histogram& h) { return threshold_range(h, mse_threshold(h)); });
}

}  // namespace octet::calib
