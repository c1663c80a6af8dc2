// The pure calibration searches (src/calib/calibration.h): percentile on known
// data, the KL search on hand-computed histograms, and entropy / MSE on a
// Gaussian with a few large outliers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "calib/calibration.h"

namespace octet::calib {
namespace {

using Mode = Histogram::Mode;

TEST(CalibPercentile, MagnitudeOfKnownData) {
  std::vector<float> v(10000);
  for (int i = 0; i < 10000; ++i) v[i] = static_cast<float>(i + 1);  // 1 .. 10000
  Histogram h(Mode::Magnitude, 2048);
  h.add(v.data(), 10000);
  const double w = h.bin_width();  // 10000 / 2048
  EXPECT_NEAR(percentile_threshold(h, 99.0), 9900.0, w);
  EXPECT_NEAR(percentile_threshold(h, 50.0), 5000.0, w);
  EXPECT_EQ(percentile_threshold(h, 100.0), 10000.0f);  // exact max
}

TEST(CalibPercentile, TwoSidedOfKnownData) {
  std::vector<float> v;
  for (int i = -5000; i < 5000; ++i) v.push_back(static_cast<float>(i));
  Histogram h(Mode::Signed, 2048);
  // In two batches so the range grows in between.
  h.add(v.data() + 4000, 2000);  // -1000 .. 999
  h.add(v.data(), static_cast<int64_t>(v.size()));
  const std::vector<float> again(v.begin() + 4000, v.begin() + 6000);
  v.insert(v.end(), again.begin(), again.end());  // the multiset seen
  std::sort(v.begin(), v.end());
  const double w = h.bin_width();
  const QuantRange r = percentile_range(h, 99.0);
  EXPECT_NEAR(r.min, v[v.size() / 100], w);        // 1% quantile
  EXPECT_NEAR(r.max, v[v.size() * 99 / 100], w);   // 99% quantile
}

TEST(CalibKl, ClippingWinsOnAHandComputedHistogram) {
  // counts {8, 2, 1, 1}, 2 levels. Candidates (kept bins):
  //   2: P = [8, 4]/12, Q = [8, 2]/10                  KL = 0.0487
  //   3: P = [8, 2, 2]/12, Q = [6, 3.667, 1.333]/11    KL = 0.0713
  //   4: P = [8, 2, 1, 1]/12, Q = [5, 5, 1, 1]/12      KL = 0.1606
  EXPECT_EQ(kl_best_bin_count({8, 2, 1, 1}, 2), 2);
  // Flat data is represented exactly when nothing is clipped.
  EXPECT_EQ(kl_best_bin_count({1, 1, 1, 1}, 2), 4);
}

TEST(CalibKl, EmptyBinsAreSkippedWhenExpanding) {
  // {4, 4, 0, 1}, 2 levels, all bins: level 1 covers bins 2-3 but only bin 3 is
  // non-empty, so Q = [4, 4, 0, 1] = P (KL 0). Keeping 3 bins moves the clipped
  // 1 onto empty bin 2, which Q leaves empty: infinite, never chosen.
  EXPECT_EQ(kl_best_bin_count({4, 4, 0, 1}, 2), 4);
  // {8, 2, 0, 1}: 3 is infinite again; 2 (KL 0.0153) beats 4 (KL 0.1752).
  EXPECT_EQ(kl_best_bin_count({8, 2, 0, 1}, 2), 2);
}

// 1M standard-normal samples plus two outliers at +-50.
struct GaussianWithOutliers {
  std::vector<float> values;
  float gaussian_abs_max = 0.0f;
  GaussianWithOutliers() : values(1000000) {
    std::mt19937 rng(42);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (float& v : values) {
      v = normal(rng);
      gaussian_abs_max = std::max(gaussian_abs_max, std::fabs(v));
    }
    values[1000] = 50.0f;
    values[2000] = -50.0f;
  }
  double fraction_within(float t) const {
    int64_t in = 0;
    for (float v : values) in += std::fabs(v) <= t;
    return static_cast<double>(in) / values.size();
  }
};

TEST(CalibEntropy, GaussianWithOutliersClipsTheOutliersOnly) {
  const GaussianWithOutliers data;
  Histogram h(Mode::Magnitude);
  h.add(data.values.data(), static_cast<int64_t>(data.values.size()));
  const float t = entropy_threshold(h);
  // Keeps > 99.9% of the mass (for N(0,1) that alone needs t > 3.29).
  EXPECT_GT(data.fraction_within(t), 0.999);
  EXPECT_GT(t, 3.29f);
  // Cannot sit in the empty gap before the outliers (the clipped mass would
  // land on an empty bin), so at most the Gaussian's own max plus a bin.
  EXPECT_LE(t, data.gaussian_abs_max + h.bin_width());
}

TEST(CalibMse, GaussianWithOutliersMatchesTheAnalyticOptimum) {
  const GaussianWithOutliers data;
  Histogram h(Mode::Magnitude);
  h.add(data.values.data(), static_cast<int64_t>(data.values.size()));
  const float t = mse_threshold(h);
  // Above the Gaussian's max the error is a*t^2 (rounding of the n kept values,
  // step 2t/255, uniform error step^2/12) + 2 * (50 - t)^2 (the two clipped
  // outliers), minimised at t* = 2 * 50 / (a + 2) with a = 4n / (255^2 * 12).
  const double a = 4.0 * 999998 / (255.0 * 255.0 * 12.0);
  const double t_star = 2.0 * 50.0 / (a + 2.0);  // 14.03
  EXPECT_NEAR(t, t_star, h.bin_width());
  EXPECT_LT(t, 50.0f / 3.0f);  // well inside the max
  EXPECT_DOUBLE_EQ(data.fraction_within(t), 1.0 - 2e-6);  // everything but the outliers
}

TEST(CalibMse, UniformDataClipsOnlyASliver) {
  // n values uniform on [0, 1), one-sided (step t/255): error
  // n t^2 / (255^2 12) + n (1 - t)^3 / 3 is least where (1 - t)^2 = t / (6 255^2),
  // i.e. t* = 0.99840.
  std::vector<float> v(100000);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i) / v.size();
  Histogram h(Mode::Magnitude);
  h.add(v.data(), static_cast<int64_t>(v.size()));
  EXPECT_NEAR(mse_threshold(h), 0.99840, 2 * h.bin_width());
}

TEST(CalibThresholdRange, OneSidedForNonNegativeData) {
  const float relu[] = {0.0f, 0.5f, 2.0f, 4.0f};
  Histogram h(Mode::Magnitude, 8);
  h.add(relu, 4);
  const QuantRange r = threshold_range(h, 3.0f);
  EXPECT_EQ(r.min, 0.0f);
  EXPECT_EQ(r.max, 3.0f);
  const float mixed[] = {-1.0f};
  h.add(mixed, 1);
  const QuantRange m = threshold_range(h, 3.0f);
  EXPECT_EQ(m.min, -1.0f);  // cut to the data, not -3
  EXPECT_EQ(m.max, 3.0f);
}

}  // namespace
}  // namespace octet::calib
