// MSE calibration: the clipping threshold with the least expected squared
// quantization error over the histogram.
#include <algorithm>
#include <cmath>
#include <limits>

#include "calib/calibration.h"
#include "graph/error.h"

namespace octet::calib {
namespace {

// Steps between 0 and T (see calibration.h's quantizer model).
constexpr double kSignedSteps = 127.5;
constexpr double kOneSidedSteps = 255.0;

}  // namespace

float mse_threshold(const Histogram& magnitude) {
  if (magnitude.mode() != Histogram::Mode::Magnitude)
    fail(ErrorKind::Internal, "mse_threshold needs a magnitude histogram");
  if (magnitude.total() == magnitude.zeros()) return 0.0f;
  const std::vector<uint64_t>& counts = magnitude.counts();
  const int n = magnitude.bins();
  const double w = magnitude.bin_width();
  const double abs_max = magnitude.abs_max();
  const double steps = magnitude.min() >= 0.0f ? kOneSidedSteps : kSignedSteps;

  // Suffix sums over bins >= i of count, count * centre, count * centre^2, so
  // the clipping cost sum(count * (centre - T)^2) is O(1) per candidate.
  std::vector<double> n_tail(n + 1, 0.0), c1_tail(n + 1, 0.0), c2_tail(n + 1, 0.0);
  for (int i = n - 1; i >= 0; --i) {
    const double c = static_cast<double>(counts[i]);
    const double centre = std::min((i + 0.5) * w, abs_max);
    n_tail[i] = n_tail[i + 1] + c;
    c1_tail[i] = c1_tail[i + 1] + c * centre;
    c2_tail[i] = c2_tail[i + 1] + c * centre * centre;
  }
  const double nonzero = static_cast<double>(magnitude.total() - magnitude.zeros());

  double best_t = abs_max;
  double best_err = std::numeric_limits<double>::infinity();
  for (int i = 1; i <= n; ++i) {
    const double t = std::min(i * w, abs_max);
    const double kept_nonzero = nonzero - n_tail[i];
    const double step = t / steps;
    const double rounding = kept_nonzero * step * step / 12.0;
    const double clipping = c2_tail[i] - 2.0 * t * c1_tail[i] + t * t * n_tail[i];
    const double err = rounding + std::max(clipping, 0.0);
    if (err < best_err) {
      best_err = err;
      best_t = t;
    }
    if (t >= abs_max) break;  // later candidates are the same threshold
  }
  return static_cast<float>(best_t);
}

}  // namespace octet::calib
