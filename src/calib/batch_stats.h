// One pass over a batch of floats: the facts every observer needs (exact
// min/max of the finite values, how many were zero or not finite), over
// eight-float vector values (float_lanes.h); on CPUs with AVX2 a clone built
// for it runs (the operations are exact, so both give the same bits).
#pragma once
#include <cstdint>

namespace octet::calib {

struct BatchStats {
  float min = 0.0f;       // over finite values (-0 as +0); meaningless if finite == 0
  float max = 0.0f;
  int64_t finite = 0;     // values that are neither NaN nor +-Inf
  int64_t nonfinite = 0;  // NaN and +-Inf values (skipped everywhere)
  int64_t zeros = 0;      // values equal to 0 (+0 or -0); 0 when not counted
};

// Counting zeros costs a third of the scan; only the histograms need them.
enum class ZeroCount { Skip, Count };

BatchStats scan_batch(const float* data, int64_t n, ZeroCount zeros = ZeroCount::Count);

// Neither NaN nor +-Inf (v - v is NaN exactly for those). Unlike std::isfinite
// it stays a plain comparison inside vectorised loops.
inline bool is_finite_value(float v) { return (v - v) == 0.0f; }

}  // namespace octet::calib
