// Range observers (src/calib/observer.h): the factory, minmax vs ema on a run
// with one outlier batch, the histogram methods end to end, and a throughput
// printout (informational, not asserted).
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>

#include "calib/observer.h"
#include "graph/error.h"

namespace octet::calib {
namespace {

TEST(CalibObserverFactory, KnowsTheFiveMethods) {
  EXPECT_EQ(observer_methods(),
            (std::vector<std::string>{"minmax", "ema", "percentile", "entropy", "mse"}));
  for (const std::string& m : observer_methods()) EXPECT_NE(make_observer(m), nullptr) << m;
}

TEST(CalibObserverFactory, UnknownMethodIsAUsageErrorListingTheValidOnes) {
  try {
    make_observer("kl");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Usage);
    EXPECT_NE(std::string(e.what()).find("'kl'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("minmax, ema, percentile, entropy, mse"),
              std::string::npos)
        << e.what();
  }
}

TEST(CalibObserverFactory, BadOptionsAreUsageErrors) {
  ObserverOptions odd_bins;
  odd_bins.bins = 2047;
  ObserverOptions bad_percent;
  bad_percent.percent = 101.0;
  ObserverOptions bad_constant;
  bad_constant.averaging_constant = 0.0f;
  for (const ObserverOptions& o : {odd_bins, bad_percent, bad_constant}) {
    try {
      make_observer("percentile", o);
      FAIL() << "expected an error";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Usage);
    }
  }
}

// 100 batches in [-1, 1] (both ends present); batch 50 also holds a 100.
std::vector<std::vector<float>> batches_with_one_outlier() {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<std::vector<float>> batches(100, std::vector<float>(1000));
  for (auto& b : batches) {
    for (float& v : b) v = u(rng);
    b[0] = -1.0f;
    b[1] = 1.0f;
  }
  batches[50][500] = 100.0f;
  return batches;
}

TEST(CalibObserver, MinMaxKeepsTheOutlierEmaForgetsIt) {
  auto minmax = make_observer("minmax");
  auto ema = make_observer("ema");
  for (const auto& b : batches_with_one_outlier()) {
    minmax->observe(b.data(), static_cast<int64_t>(b.size()));
    ema->observe(b.data(), static_cast<int64_t>(b.size()));
  }
  EXPECT_EQ(minmax->range().min, -1.0f);
  EXPECT_EQ(minmax->range().max, 100.0f);
  // EMA max is 1 until batch 50, then 1 + 0.01 * (100 - 1) = 1.99; each of the
  // 49 later batches multiplies the excess over 1 by 0.99: 1 + 0.99^50.
  EXPECT_EQ(ema->range().min, -1.0f);
  EXPECT_NEAR(ema->range().max, 1.0 + std::pow(0.99, 50), 1e-5);  // 1.605
}

TEST(CalibObserver, NonFiniteValuesAreSkippedAndCounted) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float batch[] = {nan, 2.0f, -std::numeric_limits<float>::infinity(), -1.0f};
  const float all_nan[] = {nan, nan};
  for (const std::string& m : observer_methods()) {
    auto o = make_observer(m);
    EXPECT_EQ(o->range().min, 0.0f) << m;  // nothing seen yet
    EXPECT_EQ(o->range().max, 0.0f) << m;
    o->observe(batch, 4);
    o->observe(all_nan, 2);
    EXPECT_EQ(o->nonfinite(), 4u) << m;
    const QuantRange r = o->range();
    EXPECT_TRUE(std::isfinite(r.min) && std::isfinite(r.max)) << m;
    EXPECT_GE(r.min, -1.0f) << m;
    EXPECT_LE(r.max, 2.0f) << m;
    EXPECT_LT(r.min, 0.0f) << m;
  }
}

TEST(CalibObserver, HistogramMethodsGiveOneSidedRangesForReluOutputs) {
  std::mt19937 rng(11);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> relu(200000);
  for (float& v : relu) v = std::max(0.0f, normal(rng));
  float max = 0.0f;
  for (float v : relu) max = std::max(max, v);
  for (const char* m : {"percentile", "entropy", "mse"}) {
    auto o = make_observer(m);
    o->observe(relu.data(), static_cast<int64_t>(relu.size()));
    EXPECT_EQ(o->range().min, 0.0f) << m;
    EXPECT_GT(o->range().max, 3.0f) << m;  // keeps > 99.8% of N(0,1)'s positive half
    EXPECT_LE(o->range().max, max) << m;
  }
}

TEST(CalibObserver, TwoSidedPercentileFollowsSkewedTails) {
  // 1..1000 and -1..-50 (1050 values). Two-sided at 99% cuts 10.5 values off
  // each end: about -40 and 990. Symmetric |x| clipping at 99.99% keeps all of
  // the short negative tail (-50).
  std::vector<float> v;
  for (int i = 1; i <= 1000; ++i) v.push_back(static_cast<float>(i));
  for (int i = 1; i <= 50; ++i) v.push_back(-static_cast<float>(i));
  ObserverOptions two;
  two.two_sided = true;
  two.percent = 99.0;
  auto o = make_observer("percentile", two);
  o->observe(v.data(), static_cast<int64_t>(v.size()));
  EXPECT_NEAR(o->range().min, -40.0, 2.0);
  EXPECT_NEAR(o->range().max, 990.0, 2.0);
  auto sym = make_observer("percentile");
  sym->observe(v.data(), static_cast<int64_t>(v.size()));
  EXPECT_EQ(sym->range().min, -50.0f);
  EXPECT_NEAR(sym->range().max, 1000.0, 2.0);
}

TEST(CalibObserverBenchmark, ObserveThroughput) {
  std::vector<float> data(1 << 20);
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (float& v : data) v = normal(rng);
  constexpr int kRepeats = 8;
  for (const std::string& m : observer_methods()) {
    auto o = make_observer(m);
    const auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < kRepeats; ++r) o->observe(data.data(), static_cast<int64_t>(data.size()));
    const auto observed = std::chrono::steady_clock::now();
    const QuantRange range = o->range();
    const auto ranged = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(observed - start).count();
    const double mb = kRepeats * data.size() * sizeof(float) / 1e6;
    std::printf("[ bench    ] %-10s observe %7.0f MB/s   range() %6.1f ms   [%g, %g]\n", m.c_str(),
                mb / seconds, std::chrono::duration<double, std::milli>(ranged - observed).count(),
                range.min, range.max);
    EXPECT_LT(range.min, 0.0f);
    EXPECT_GT(range.max, 0.0f);
  }
}

}  // namespace
}  // namespace octet::calib
