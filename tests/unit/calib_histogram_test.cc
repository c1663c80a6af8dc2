// The growing histogram (src/calib/histogram.h): exact merging on growth,
// exact min/max, zero and non-finite bookkeeping.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

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
  const float second[] = {3.5f};  // needs 3.5: k = ceil(3.5 / 1) = 4
  h.add(second, 1);
  EXPECT_DOUBLE_EQ(h.extent(), 4.0);
  // Old bins merge by 4: 4 -> 1, 7 -> 1. 3.5 / 0.5 = bin 7.
  EXPECT_EQ(h.counts(), counts_of({{1, 2}, {7, 1}}, 8));
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
  const float second[] = {2.5f};  // k = 3 -> [-3, 3], width 0.75
  h.add(second, 1);
  EXPECT_DOUBLE_EQ(h.extent(), 3.0);
  // Bin i goes to 4 + floor((i - 4) / 3): 0 -> 2, 5 -> 4. 2.5 -> 4 + 3.33 = 7.
  EXPECT_EQ(h.counts(), counts_of({{2, 1}, {4, 1}, {7, 1}}, 8));
  EXPECT_DOUBLE_EQ(h.bin_lower(2), -1.5);
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

// Random batches of growing spread: total and exact min/max survive every
// growth, and the grown histogram matches binning all values directly at the
// final extent, except values that sat exactly on an earlier (closed) top edge,
// which may be one bin lower: at most one per growth.
TEST(CalibHistogram, GrowthKeepsCountsAndMatchesDirectBinning) {
  for (Mode mode : {Mode::Magnitude, Mode::Signed}) {
    Histogram h(mode, 2048);
    std::mt19937 rng(3);
    std::vector<float> all;
    int growths = 0;
    double extent = 0.0;
    for (int b = 0; b < 12; ++b) {
      std::normal_distribution<float> dist(0.3f, 0.5f * (b + 1) * (b % 3 + 1));
      std::vector<float> batch(5000 + 37 * b);
      for (float& v : batch) v = dist(rng);
      h.add(batch.data(), static_cast<int64_t>(batch.size()));
      all.insert(all.end(), batch.begin(), batch.end());
      if (h.extent() != extent && extent != 0.0) ++growths;
      extent = h.extent();
    }
    ASSERT_GT(growths, 2);
    EXPECT_EQ(h.total(), all.size());
    EXPECT_EQ(h.min(), *std::min_element(all.begin(), all.end()));
    EXPECT_EQ(h.max(), *std::max_element(all.begin(), all.end()));
    uint64_t sum = 0;
    for (uint64_t c : h.counts()) sum += c;
    EXPECT_EQ(sum, all.size());

    std::vector<int64_t> direct(h.bins(), 0);
    for (float v : all) {
      const double x = mode == Mode::Magnitude ? std::fabs(v) : v;
      const double pos = (x - h.bin_lower(0)) / h.bin_width();
      direct[std::min<int64_t>(static_cast<int64_t>(pos), h.bins() - 1)]++;
    }
    int64_t l1 = 0;
    for (int i = 0; i < h.bins(); ++i) l1 += std::llabs(direct[i] - int64_t(h.counts()[i]));
    EXPECT_LE(l1, 2 * growths) << (mode == Mode::Magnitude ? "magnitude" : "signed");
  }
}

TEST(CalibHistogram, OddBinCountIsAnError) {
  EXPECT_THROW(Histogram(Mode::Signed, 7), Error);
}

}  // namespace
}  // namespace octet::calib
