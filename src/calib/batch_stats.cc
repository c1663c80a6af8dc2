#include "calib/batch_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace octet::calib {
namespace {

constexpr int kLanes = 16;
// Per-lane int32 counters are flushed after this many elements per lane, far
// below INT32_MAX.
constexpr int64_t kBlock = int64_t{kLanes} << 20;

// Min/max where NaN loses every comparison, and counts of zeros and of
// non-finite values (v - v is NaN exactly for NaN and +-Inf). An Inf still
// enters min/max here; the caller rescans when nonfinite > 0.
void scan_lanes(const float* x, int64_t n, float* mn, float* mx, int64_t* zeros,
                int64_t* nonfinite) {
  int32_t zero_lane[kLanes] = {};
  int32_t bad_lane[kLanes] = {};
  for (int64_t i = 0; i < n; i += kLanes) {
    for (int l = 0; l < kLanes; ++l) {
      const float v = x[i + l];
      mn[l] = v < mn[l] ? v : mn[l];
      mx[l] = v > mx[l] ? v : mx[l];
      zero_lane[l] += v == 0.0f;
      bad_lane[l] += !is_finite_value(v);
    }
  }
  for (int l = 0; l < kLanes; ++l) {
    *zeros += zero_lane[l];
    *nonfinite += bad_lane[l];
  }
}

}  // namespace

BatchStats scan_batch(const float* data, int64_t n) {
  float mn[kLanes], mx[kLanes];
  std::fill(mn, mn + kLanes, std::numeric_limits<float>::infinity());
  std::fill(mx, mx + kLanes, -std::numeric_limits<float>::infinity());
  BatchStats s;
  const int64_t whole = n - n % kLanes;
  for (int64_t start = 0; start < whole; start += kBlock)
    scan_lanes(data + start, std::min(kBlock, whole - start), mn, mx, &s.zeros, &s.nonfinite);
  float lo = *std::min_element(mn, mn + kLanes);
  float hi = *std::max_element(mx, mx + kLanes);
  for (int64_t i = whole; i < n; ++i) {
    const float v = data[i];
    s.zeros += v == 0.0f;
    s.nonfinite += !is_finite_value(v);
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  if (s.nonfinite > 0) {  // rare: redo min/max without the Infs
    lo = std::numeric_limits<float>::infinity();
    hi = -lo;
    for (int64_t i = 0; i < n; ++i) {
      if (!is_finite_value(data[i])) continue;
      lo = std::min(lo, data[i]);
      hi = std::max(hi, data[i]);
    }
  }
  s.finite = n - s.nonfinite;
  s.min = s.finite > 0 ? lo : 0.0f;
  s.max = s.finite > 0 ? hi : 0.0f;
  return s;
}

}  // namespace octet::calib
