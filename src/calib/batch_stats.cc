#include "calib/batch_stats.h"

#include <algorithm>
#include <limits>

namespace octet::calib {
namespace {

constexpr int kLanes = 16;
// Per-lane int32 zero counters are flushed after this many elements per lane,
// far below INT32_MAX.
constexpr int64_t kBlock = int64_t{kLanes} << 20;

// Per-lane min/max (NaN loses every comparison), zero counts, and a per-lane
// sum of v - v, which stays 0 while every value is finite and turns NaN for
// good at the first NaN or +-Inf: cheaper than counting them, and they are
// rare. n is a multiple of kLanes.
struct Lanes {
  float mn[kLanes], mx[kLanes], bad[kLanes];
  int64_t zeros = 0;
};

template <bool kCountZeros>
__attribute__((target_clones("avx2", "default")))
void scan_lanes(const float* x, int64_t n, Lanes& lanes) {
  float mn[kLanes], mx[kLanes], bad[kLanes];  // locals: no aliasing with x, so it vectorises
  int32_t zero[kLanes] = {};
  std::copy(lanes.mn, lanes.mn + kLanes, mn);
  std::copy(lanes.mx, lanes.mx + kLanes, mx);
  std::copy(lanes.bad, lanes.bad + kLanes, bad);
  for (int64_t i = 0; i < n; i += kLanes) {
    for (int l = 0; l < kLanes; ++l) {
      const float v = x[i + l];
      mn[l] = v < mn[l] ? v : mn[l];
      mx[l] = v > mx[l] ? v : mx[l];
      bad[l] += v - v;
      if (kCountZeros) zero[l] += v == 0.0f;
    }
  }
  std::copy(mn, mn + kLanes, lanes.mn);
  std::copy(mx, mx + kLanes, lanes.mx);
  std::copy(bad, bad + kLanes, lanes.bad);
  for (int l = 0; l < kLanes; ++l) lanes.zeros += zero[l];
}

// The exact scalar scan, for the leftover values and for batches holding
// NaN or Inf.
void scan_scalar(const float* x, int64_t n, ZeroCount zeros, BatchStats& s, float& lo, float& hi) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    if (zeros == ZeroCount::Count) s.zeros += v == 0.0f;
    if (!is_finite_value(v)) {
      ++s.nonfinite;
      continue;
    }
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
}

}  // namespace

BatchStats scan_batch(const float* data, int64_t n, ZeroCount zeros) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  Lanes lanes;
  std::fill(lanes.mn, lanes.mn + kLanes, kInf);
  std::fill(lanes.mx, lanes.mx + kLanes, -kInf);
  std::fill(lanes.bad, lanes.bad + kLanes, 0.0f);
  const int64_t whole = n - n % kLanes;
  for (int64_t start = 0; start < whole; start += kBlock) {
    const int64_t m = std::min(kBlock, whole - start);
    if (zeros == ZeroCount::Count) {
      scan_lanes<true>(data + start, m, lanes);
    } else {
      scan_lanes<false>(data + start, m, lanes);
    }
  }
  BatchStats s;
  float lo = kInf, hi = -kInf;
  if (std::all_of(lanes.bad, lanes.bad + kLanes, [](float b) { return b == 0.0f; })) {
    lo = *std::min_element(lanes.mn, lanes.mn + kLanes);
    hi = *std::max_element(lanes.mx, lanes.mx + kLanes);
    s.zeros = lanes.zeros;
    scan_scalar(data + whole, n - whole, zeros, s, lo, hi);
  } else {  // rare: NaN or Inf somewhere; count them exactly
    scan_scalar(data, n, zeros, s, lo, hi);
  }
  s.finite = n - s.nonfinite;
  // + 0.0f turns -0 into +0: which zero a comparison keeps depends on the
  // order values come in, and calibration results must not.
  s.min = s.finite > 0 ? lo + 0.0f : 0.0f;
  s.max = s.finite > 0 ? hi + 0.0f : 0.0f;
  return s;
}

}  // namespace octet::calib
