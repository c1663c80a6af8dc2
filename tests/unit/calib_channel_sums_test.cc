// ChannelSums (src/calib/channel_sums.h) against plain double loops: per
// channel sums and counts for channel counts that use the vector path, the
// leftover loop and the several-position rows of few channels, row counts
// around the float block size, NaN and Inf left out; and the BatchStats it
// returns equal scan_batch's exactly.
#include "calib/channel_sums.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "test_graph.h"

namespace octet::calib {
namespace {

TensorView view_of(std::vector<float>& values, int64_t positions, int64_t channels) {
  return TensorView{DType::Float32, {1, positions, channels}, reinterpret_cast<uint8_t*>(values.data()), nullptr};
}

void expect_sums(std::vector<float> values, int64_t positions, int64_t channels, const std::string& what) {
  ChannelSums sums;
  const BatchStats got = sums.set(view_of(values, positions, channels));
  ASSERT_EQ(sums.sum.size(), static_cast<size_t>(channels)) << what;
  for (int64_t c = 0; c < channels; ++c) {
    double want = 0.0;
    int64_t finite = 0;
    for (int64_t p = 0; p < positions; ++p) {
      const float v = values[p * channels + c];
      if (!std::isfinite(v)) continue;
      want += v;
      ++finite;
    }
    EXPECT_EQ(sums.count[c], finite) << what << ", channel " << c;
    EXPECT_NEAR(sums.sum[c], want, 1e-4) << what << ", channel " << c;
  }
  const BatchStats want = scan_batch(values.data(), static_cast<int64_t>(values.size()), ZeroCount::Skip);
  EXPECT_EQ(got.finite, want.finite) << what;
  EXPECT_EQ(got.nonfinite, want.nonfinite) << what;
  EXPECT_EQ(got.zeros, 0) << what;
  EXPECT_EQ(got.min, want.min) << what;
  EXPECT_EQ(got.max, want.max) << what;
  EXPECT_EQ(std::signbit(got.min), std::signbit(want.min)) << what;
}

TEST(ChannelSums, EqualPlainLoopsForEveryChannelPath) {
  for (int64_t channels : {1, 3, 5, 6, 7, 8, 16, 24, 37, 40, 96})
    for (int64_t positions : {1, 63, 64, 65, 300, 1000}) {
      const std::string what = std::to_string(positions) + "x" + std::to_string(channels);
      expect_sums(testing::seeded_values(positions * channels, static_cast<uint32_t>(channels * 1000 + positions)),
                  positions, channels, what);
    }
}

TEST(ChannelSums, LeaveNanAndInfOutOfTheirChannelOnly) {
  constexpr float kNan = std::numeric_limits<float>::quiet_NaN();
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const int64_t positions = 130, channels = 40;
  for (int64_t at : {0, 17, 39, 2600, 5199}) {  // 16-wide, 8-wide and block-edge positions
    for (float bad : {kNan, kInf, -kInf}) {
      std::vector<float> values = testing::seeded_values(positions * channels, 7);
      values[at] = bad;
      expect_sums(values, positions, channels, "value " + std::to_string(at) + " = " + std::to_string(bad));
    }
  }
  for (int64_t at : {0, 5, 1000, 1535, 1537}) {  // three channels: in wide rows, and after them
    std::vector<float> values = testing::seeded_values(513 * 3, 8);
    values[at] = kNan;
    expect_sums(values, 513, 3, "RGB value " + std::to_string(at) + " = NaN");
  }
}

TEST(ChannelSums, FloatOverflowInABlockFallsBackToExactSums) {
  std::vector<float> values(100 * 16, 3e38f);  // each finite, their float sum is not
  expect_sums(values, 100, 16, "3e38 everywhere");
}

TEST(ChannelSums, NegativeZeroIsReportedAsPositiveZero) {
  std::vector<float> values(64 * 24, -0.0f);
  expect_sums(values, 64, 24, "-0 everywhere");
}

TEST(ChannelSums, AddAccumulatesSamples) {
  std::vector<float> a = testing::seeded_values(10 * 3, 1), b = testing::seeded_values(10 * 3, 2);
  ChannelSums total, one, two;
  one.set(view_of(a, 10, 3));
  two.set(view_of(b, 10, 3));
  total.add(one);
  total.add(two);
  for (size_t c = 0; c < 3; ++c) {
    EXPECT_DOUBLE_EQ(total.sum[c], one.sum[c] + two.sum[c]);
    EXPECT_EQ(total.count[c], 20);
  }
}

// A kernel's summary stands in for the pass over the values when its sums
// are finite; a NaN or Inf among the values (a non-finite sum) sends it back
// to the exact scan.
TEST(ChannelSums, TakeAKernelsSummaryUnlessASumIsNotFinite) {
  std::vector<float> values = testing::seeded_values(20 * 8, 3);
  OutputSummary summary;
  summary.reset(8);
  for (int64_t i = 0; i < 160; ++i) summary.sum[i % 8] += values[i];
  summary.min = -0.0f;  // not the values' min: shows which was taken
  summary.max = 0.5f;
  ChannelSums sums;
  BatchStats stats = sums.set(view_of(values, 20, 8), summary);
  EXPECT_EQ(sums.sum, summary.sum);
  EXPECT_EQ(sums.count, std::vector<int64_t>(8, 20));
  EXPECT_EQ(stats.finite, 160);
  EXPECT_EQ(stats.min, 0.0f);
  EXPECT_FALSE(std::signbit(stats.min));
  EXPECT_EQ(stats.max, 0.5f);
  ASSERT_TRUE(stats_of(summary, 160).has_value());

  values[17] = std::numeric_limits<float>::quiet_NaN();
  summary.sum[1] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(stats_of(summary, 160).has_value());
  stats = sums.set(view_of(values, 20, 8), summary);
  const BatchStats want = scan_batch(values.data(), 160, ZeroCount::Skip);
  EXPECT_EQ(stats.nonfinite, 1);
  EXPECT_EQ(stats.min, want.min);
  EXPECT_EQ(stats.max, want.max);
  EXPECT_EQ(sums.count[1], 19);
}

}  // namespace
}  // namespace octet::calib
