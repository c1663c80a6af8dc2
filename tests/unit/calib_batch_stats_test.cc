// scan_batch (src/calib/batch_stats.h) against a plain loop: min/max, zeros
// and non-finite counts for every position of NaN/Inf (inside the vector
// lanes and in the leftover tail), both zero modes, and -0 reported as +0.
#include "calib/batch_stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace octet::calib {
namespace {

BatchStats plain_scan(const std::vector<float>& v) {
  BatchStats s;
  bool seen = false;
  for (float x : v) {
    s.zeros += x == 0.0f;
    if (std::isnan(x) || std::isinf(x)) {
      ++s.nonfinite;
      continue;
    }
    s.min = seen ? std::min(s.min, x) : x;
    s.max = seen ? std::max(s.max, x) : x;
    seen = true;
  }
  s.finite = static_cast<int64_t>(v.size()) - s.nonfinite;
  return s;
}

void expect_scan(const std::vector<float>& v, const std::string& what) {
  const BatchStats want = plain_scan(v);
  const BatchStats got = scan_batch(v.data(), static_cast<int64_t>(v.size()));
  EXPECT_EQ(got.finite, want.finite) << what;
  EXPECT_EQ(got.nonfinite, want.nonfinite) << what;
  EXPECT_EQ(got.zeros, want.zeros) << what;
  if (want.finite > 0) {
    EXPECT_EQ(got.min, want.min) << what;
    EXPECT_EQ(got.max, want.max) << what;
  }
  const BatchStats skipped = scan_batch(v.data(), static_cast<int64_t>(v.size()), ZeroCount::Skip);
  EXPECT_EQ(skipped.zeros, 0) << what;
  EXPECT_EQ(skipped.nonfinite, want.nonfinite) << what;
  EXPECT_EQ(skipped.min, got.min) << what;
  EXPECT_EQ(skipped.max, got.max) << what;
}

TEST(CalibBatchStats, NonFiniteValuesAnywhere) {
  const float specials[] = {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity()};
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  for (int n : {7, 16, 37, 100}) {
    std::vector<float> base(n);
    for (float& x : base) x = normal(rng);
    base[n / 2] = 0.0f;
    expect_scan(base, "finite n=" + std::to_string(n));
    for (int at = 0; at < n; ++at)
      for (float special : specials) {
        std::vector<float> v = base;
        v[at] = special;
        v[(at * 7 + 3) % n] = special;
        expect_scan(v, "n=" + std::to_string(n) + " at " + std::to_string(at));
      }
  }
  const std::vector<float> all_nan(40, std::numeric_limits<float>::quiet_NaN());
  const BatchStats s = scan_batch(all_nan.data(), 40);
  EXPECT_EQ(s.finite, 0);
  EXPECT_EQ(s.nonfinite, 40);
}

// Which zero a comparison keeps depends on the order of the values; the scan
// reports +0 either way, so results cannot depend on order.
TEST(CalibBatchStats, NegativeZeroIsReportedAsPositiveZero) {
  for (int n : {3, 48}) {
    std::vector<float> v(n, 1.0f);
    v[0] = -0.0f;
    v[n - 1] = 0.0f;
    const BatchStats s = scan_batch(v.data(), n);
    EXPECT_EQ(s.zeros, 2);
    EXPECT_FALSE(std::signbit(s.min)) << n;
    std::vector<float> negative(n, -1.0f);
    negative[1] = -0.0f;
    EXPECT_FALSE(std::signbit(scan_batch(negative.data(), n).max)) << n;
  }
}

}  // namespace
}  // namespace octet::calib
