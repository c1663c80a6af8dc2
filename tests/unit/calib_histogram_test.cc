// The growing histogram (src/calib/histogram.h): power-of-two extents, exact
// merging on growth and across histograms, counts independent of batch
// order, exact min/max, zero and non-finite bookkeeping.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <set>
#include <string>

#include "calib/histogram.h"
#include "graph/error.h"

namespace octet::calib {
namespace {

using Mode = Histogram::Mode;

std::vector<uint64_t> counts_of(std::initializer_list<std::pair<int, uint64_t>> bins, int n) {
  std::vector<uint64_t> c(n, 0);
  for (const auto& [bin, count] : bins) c[bin] = count;
  return c;
}

TEST(CalibHistogram, MagnitudeGrowthMergesBinsExactly) {
  Histogram h(Mode::Magnitude, 8);
  const float first[] = {0.5f, -1.0f};  // extent 1, width 0.125
  h.add(first, 2);
  // |0.5| -> bin 4; |-1| is the closed top edge -> bin 7.
  EXPECT_EQ(h.counts(), counts_of({{4, 1}, {7, 1}}, 8));
  const float second[] = {3.5f};  // needs 3.5: extent 4, width 0.5
  h.add(second, 1);
  EXPECT_DOUBLE_EQ(h.extent(), 4.0);
  // Bins merge by 4: 0.5 -> bin 1; 1.0, the old top edge, -> bin 2 (1.0 / 0.5),
  // as binning it now would. 3.5 / 0.5 = bin 7.
  EXPECT_EQ(h.counts(), counts_of({{1, 1}, {2, 1}, {7, 1}}, 8));
  EXPECT_EQ(h.total(), 3u);
  EXPECT_EQ(h.min(), -1.0f);
  EXPECT_EQ(h.max(), 3.5f);
  EXPECT_EQ(h.abs_max(), 3.5f);
}

TEST(CalibHistogram, SignedGrowthMergesAroundZero) {
  Histogram h(Mode::Signed, 8);
  const float first[] = {-1.0f, 0.25f};  // [-1, 1], width 0.25, 0 at bin 4
  h.add(first, 2);
  EXPECT_EQ(h.counts(), counts_of({{0, 1}, {5, 1}}, 8));
  const float second[] = {2.5f};  // -> [-4, 4], width 1
  h.add(second, 1);
  EXPECT_DOUBLE_EQ(h.extent(), 4.0);
  // Bin i goes to 4 + floor((i - 4) / 4): 0 -> 3, 5 -> 4. 2.5 -> 4 + 2 = 6.
  EXPECT_EQ(h.counts(), counts_of({{3, 1}, {4, 1}, {6, 1}}, 8));
  EXPECT_DOUBLE_EQ(h.bin_lower(3), -1.0);
}

TEST(CalibHistogram, ZerosFirstThenGrowth) {
  Histogram h(Mode::Signed, 8);
  const float zeros[] = {0.0f, -0.0f};
  h.add(zeros, 2);
  EXPECT_EQ(h.extent(), 0.0);
  EXPECT_EQ(h.counts()[h.zero_bin()], 2u);
  const float two[] = {2.0f};
  h.add(two, 1);
  EXPECT_EQ(h.extent(), 2.0);
  EXPECT_EQ(h.counts(), counts_of({{4, 2}, {7, 1}}, 8));
  EXPECT_EQ(h.zeros(), 2u);
}

TEST(CalibHistogram, NonFiniteValuesAreCountedNotBinned) {
  Histogram h(Mode::Magnitude, 8);
  const float v[] = {std::numeric_limits<float>::quiet_NaN(), 1.0f,
                     -std::numeric_limits<float>::infinity(), -2.0f, 0.0f};
  h.add(v, 5);
  EXPECT_EQ(h.total(), 3u);
  EXPECT_EQ(h.nonfinite(), 2u);
  EXPECT_EQ(h.zeros(), 1u);
  EXPECT_EQ(h.min(), -2.0f);
  EXPECT_EQ(h.max(), 1.0f);
  EXPECT_EQ(h.counts(), counts_of({{0, 1}, {4, 1}, {7, 1}}, 8));
}

// Random batches of growing spread, with a value on a power of two and a -0.
std::vector<std::vector<float>> spreading_batches(int count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::vector<float>> batches;
  for (int b = 0; b < count; ++b) {
    std::normal_distribution<float> dist(0.3f, 0.5f * (b + 1) * (b % 3 + 1));
    std::vector<float> batch(5000 + 37 * b);
    for (float& v : batch) v = dist(rng);
    if (b % 4 == 1) batch[b] = 4.0f;  // exactly on a power-of-two edge
    if (b % 4 == 2) batch[b] = -0.0f;
    batches.push_back(std::move(batch));
  }
  return batches;
}

// The bin of every value at the histogram's final extent, in double precision
// (independent of the histogram's float arithmetic; with a power-of-two bin
// count both are exact).
std::vector<uint64_t> direct_counts(const Histogram& h, const std::vector<std::vector<float>>& batches) {
  std::vector<uint64_t> direct(h.bins(), 0);
  for (const auto& batch : batches)
    for (float v : batch) {
      const double x = h.mode() == Mode::Magnitude ? std::fabs(double{v}) : v;
      const double pos = h.zero_bin() + std::floor(x / h.bin_width());  // x / w is exact
      direct[std::min<int64_t>(static_cast<int64_t>(pos), h.bins() - 1)]++;
    }
  return direct;
}

void expect_same(const Histogram& a, const Histogram& b, const std::string& what) {
  EXPECT_EQ(a.counts(), b.counts()) << what;
  EXPECT_EQ(a.extent(), b.extent()) << what;
  EXPECT_EQ(a.total(), b.total()) << what;
  EXPECT_EQ(a.zeros(), b.zeros()) << what;
  EXPECT_EQ(a.nonfinite(), b.nonfinite()) << what;
  EXPECT_EQ(std::signbit(a.min()), std::signbit(b.min())) << what;
  EXPECT_EQ(a.min(), b.min()) << what;
  EXPECT_EQ(a.max(), b.max()) << what;
}

// Growth leaves exactly the counts of binning every value at the final
// extent, also for values that sat on an earlier (closed) top edge.
TEST(CalibHistogram, GrowthEqualsDirectBinningExactly) {
  const auto batches = spreading_batches(12, 3);
  for (Mode mode : {Mode::Magnitude, Mode::Signed}) {
    Histogram h(mode, 2048);
    std::set<double> extents;
    uint64_t values = 0;
    float lo = 0.0f, hi = 0.0f;
    for (const auto& batch : batches) {
      h.add(batch.data(), static_cast<int64_t>(batch.size()));
      extents.insert(h.extent());
      values += batch.size();
      lo = std::min(lo, *std::min_element(batch.begin(), batch.end()));
      hi = std::max(hi, *std::max_element(batch.begin(), batch.end()));
    }
    ASSERT_GT(extents.size(), 3u);  // it grew several times
    EXPECT_EQ(h.extent(), std::exp2(std::ceil(std::log2(std::max(-lo, hi)))));
    EXPECT_EQ(h.total(), values);
    EXPECT_EQ(h.min(), lo);
    EXPECT_EQ(h.max(), hi);
    EXPECT_EQ(h.counts(), direct_counts(h, batches)) << (mode == Mode::Magnitude ? "magnitude" : "signed");
  }
}

// Any order of batches, any split into merged parts: the same histogram, for
// a power-of-two and another even bin count.
TEST(CalibHistogram, OrderAndSplitDoNotMatter) {
  auto batches = spreading_batches(10, 7);
  batches[3][5] = std::numeric_limits<float>::quiet_NaN();
  for (Mode mode : {Mode::Magnitude, Mode::Signed}) {
    for (int bins : {2048, 1000}) {
      Histogram serial(mode, bins);
      for (const auto& b : batches) serial.add(b.data(), static_cast<int64_t>(b.size()));
      std::mt19937 rng(bins);
      for (int trial = 0; trial < 4; ++trial) {
        std::vector<size_t> order(batches.size());
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.end(), rng);
        const int parts = 1 + trial;  // batch k goes to part k % parts
        std::vector<Histogram> part(parts, Histogram(mode, bins));
        for (size_t k = 0; k < order.size(); ++k)
          part[k % parts].add(batches[order[k]].data(), static_cast<int64_t>(batches[order[k]].size()));
        Histogram merged(mode, bins);
        for (int p = parts - 1; p >= 0; --p) merged.merge(part[p]);
        expect_same(merged, serial, "bins " + std::to_string(bins) + ", trial " + std::to_string(trial));
      }
    }
  }
}

TEST(CalibHistogram, MergeWithEmptyAndAllZeroHistograms) {
  const float zeros[] = {0.0f, -0.0f, 0.0f};
  const float some[] = {-3.0f, 1.5f, 0.0f};
  Histogram only_zeros(Mode::Signed, 8), values(Mode::Signed, 8), empty(Mode::Signed, 8);
  only_zeros.add(zeros, 3);
  values.add(some, 3);
  Histogram all(Mode::Signed, 8);
  all.add(zeros, 3);
  all.add(some, 3);
  Histogram merged = empty;
  merged.merge(only_zeros);
  merged.merge(empty);
  merged.merge(values);
  expect_same(merged, all, "zeros + values");
  EXPECT_EQ(merged.zeros(), 4u);
  EXPECT_EQ(merged.counts()[merged.zero_bin()], 4u);
  EXPECT_EQ(merged.extent(), 4.0);
  EXPECT_THROW(merged.merge(Histogram(Mode::Magnitude, 8)), Error);
  EXPECT_THROW(merged.merge(Histogram(Mode::Signed, 16)), Error);
}

TEST(CalibHistogram, OddBinCountIsAnError) {
  EXPECT_THROW(Histogram(Mode::Signed, 7), Error);
}

}  // namespace
}  // namespace octet::calib
