// Percentile calibration: a quantile read off the histogram.
#include <algorithm>
#include <cmath>

#include "calib/calibration.h"

namespace octet::calib {
namespace {

// Exact bounds of the histogrammed quantity. For |x| of mixed-sign data the
// smallest |x| is not tracked; 0 is a valid lower bound.
double lowest_value(const Histogram& h) {
  if (h.mode() == Histogram::Mode::Signed) return h.min();
  if (h.min() >= 0.0f) return h.min();
  return h.max() <= 0.0f ? -h.max() : 0.0;
}

double highest_value(const Histogram& h) {
  return h.mode() == Histogram::Mode::Signed ? h.max() : h.abs_max();
}

}  // namespace

double histogram_quantile(const Histogram& h, double q) {
  if (h.total() == 0) return 0.0;
  const double lo = lowest_value(h);
  const double hi = highest_value(h);
  if (q <= 0.0) return lo;
  if (q >= 1.0) return hi;
  const double target = q * static_cast<double>(h.total());
  const std::vector<uint64_t>& counts = h.counts();
  double below = 0.0;  // values in bins before j
  for (int j = 0; j < h.bins(); ++j) {
    const double c = static_cast<double>(counts[j]);
    if (c > 0.0 && below + c >= target) {
      // Values are taken as spread evenly over the bin.
      const double v = h.bin_lower(j) + h.bin_width() * (target - below) / c;
      return std::clamp(v, lo, hi);
    }
    below += c;
  }
  return hi;
}

float percentile_threshold(const Histogram& magnitude, double percent) {
  return static_cast<float>(histogram_quantile(magnitude, percent / 100.0));
}

QuantRange percentile_range(const Histogram& signed_hist, double percent) {
  const double upper = percent / 100.0;
  const double lower = 1.0 - upper;
  return {static_cast<float>(histogram_quantile(signed_hist, std::min(lower, upper))),
          static_cast<float>(histogram_quantile(signed_hist, std::max(lower, upper)))};
}

QuantRange threshold_range(const Histogram& h, float threshold) {
  if (h.total() == 0) return {0.0f, 0.0f};
  return {std::max(-threshold, h.min()), std::min(threshold, h.max())};
}

}  // namespace octet::calib
