#include "calib/batch_stats.h"

#include <algorithm>
#include <limits>

#include "runtime/float_lanes.h"

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
  // Two independent sets of accumulators (lanes 0-7 and 8-15) keep two
  // dependency chains in flight.
  Floats8 mn0 = load8(lanes.mn), mn1 = load8(lanes.mn + 8);
  Floats8 mx0 = load8(lanes.mx), mx1 = load8(lanes.mx + 8);
  Floats8 bad0 = load8(lanes.bad), bad1 = load8(lanes.bad + 8);
  const Floats8 zero = {};
  Ints8 zeros0 = {}, zeros1 = {};  // minus the count: a true comparison is -1
  for (int64_t i = 0; i < n; i += kLanes) {
    const Floats8 a = load8(x + i), b = load8(x + i + 8);
    mn0 = a < mn0 ? a : mn0;
    mn1 = b < mn1 ? b : mn1;
    mx0 = a > mx0 ? a : mx0;
    mx1 = b > mx1 ? b : mx1;
    bad0 += a - a;
    bad1 += b - b;
    if (kCountZeros) {
      zeros0 += a == zero;
      zeros1 += b == zero;
    }
  }
  store8(lanes.mn, mn0);
  store8(lanes.mn + 8, mn1);
  store8(lanes.mx, mx0);
  store8(lanes.mx + 8, mx1);
  store8(lanes.bad, bad0);
  store8(lanes.bad + 8, bad1);
  for (int l = 0; l < 8; ++l) lanes.zeros -= int64_t{zeros0[l]} + zeros1[l];
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
