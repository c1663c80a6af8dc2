// int8 AVERAGE_POOL_2D, MAX_POOL_2D and MEAN over H, W on hand-derived values.
#include <gtest/gtest.h>

#include <vector>

#include "graph/error.h"
#include "runtime/int8/mean.h"
#include "runtime/int8/pooling.h"

namespace octet::int8 {
namespace {

// 3x3 input; a 2x2 window, stride 2, one row / column of padding top-left.
// Windows (in-input points only): {(0,0)}, {(0,1),(0,2)}, {(1,0),(2,0)},
// {(1,1),(1,2),(2,1),(2,2)}.
const std::vector<int8_t> kPoolInput = {-3, 1, 2, -1, 4, 5, -4, 7, 8};

Window2D pool_window() {
  Window2D w;
  w.filter_h = w.filter_w = 2;
  w.stride_h = w.stride_w = 2;
  w.pad_top = w.pad_left = 1;
  return w;
}

TEST(Int8AveragePool, CountsOnlyInputPointsAndRoundsHalfAwayFromZero) {
  const PoolParams p =
      prepare_average_pool({1, 3, 3, 1}, {1, 2, 2, 1}, pool_window(), {1.f, 0}, {1.f, 0}, Activation::None);
  std::vector<int8_t> y(4);
  average_pool(p, kPoolInput.data(), y.data());
  // -3 / 1 = -3;  (1 + 2) / 2 = 1.5 -> 2;  (-1 - 4) / 2 = -2.5 -> -3;  24 / 4 = 6.
  EXPECT_EQ(y, (std::vector<int8_t>{-3, 2, -3, 6}));
}

TEST(Int8AveragePool, NineCodeRoundingAndRelu6) {
  // One 3x3 window: sum 13 -> (13 + 4) / 9 = 1 (1.44);  sum 14 -> 18 / 9 = 2 (1.56).
  Window2D w;
  w.filter_h = w.filter_w = 3;
  const std::vector<int8_t> thirteen = {1, 1, 1, 1, 1, 2, 2, 2, 2};
  const std::vector<int8_t> fourteen = {1, 1, 1, 1, 2, 2, 2, 2, 2};
  const PoolParams p = prepare_average_pool({1, 3, 3, 1}, {1, 1, 1, 1}, w, {1.f, 0}, {1.f, 0}, Activation::None);
  int8_t y = 0;
  average_pool(p, thirteen.data(), &y);
  EXPECT_EQ(y, 1);
  average_pool(p, fourteen.data(), &y);
  EXPECT_EQ(y, 2);
  // relu6 at scale 0.25, zero point -2: [-2 + 0, -2 + 24] = [-2, 22].
  const std::vector<int8_t> big = {30, 30, 30, 30, 30, 30, 30, 30, 30};
  const std::vector<int8_t> low = {-9, -9, -9, -9, -9, -9, -9, -9, -9};
  const PoolParams r = prepare_average_pool({1, 3, 3, 1}, {1, 1, 1, 1}, w, {0.25f, -2}, {0.25f, -2},
                                            Activation::Relu6);
  average_pool(r, big.data(), &y);
  EXPECT_EQ(y, 22);
  average_pool(r, low.data(), &y);
  EXPECT_EQ(y, -2);
}

TEST(Int8AveragePool, RejectsWindowsInThePaddingAndRescaling) {
  Window2D w = pool_window();
  w.pad_top = 2;  // output row 0 window covers rows -2, -1 only
  EXPECT_THROW(prepare_average_pool({1, 3, 3, 1}, {1, 2, 2, 1}, w, {1.f, 0}, {1.f, 0}, Activation::None), Error);
  EXPECT_THROW(prepare_average_pool({1, 3, 3, 1}, {1, 2, 2, 1}, pool_window(), {1.f, 0}, {2.f, 0},
                                    Activation::None),
               Error);
}

TEST(Int8MaxPool, LargestInputPointThenActivation) {
  PoolParams p = prepare_max_pool({1, 3, 3, 1}, {1, 2, 2, 1}, pool_window(), {1.f, 0}, {1.f, 0}, Activation::None);
  std::vector<int8_t> y(4);
  max_pool(p, kPoolInput.data(), y.data());
  EXPECT_EQ(y, (std::vector<int8_t>{-3, 2, -1, 8}));
  // relu6 at scale 1, zero point 0 clamps to [0, 6].
  p = prepare_max_pool({1, 3, 3, 1}, {1, 2, 2, 1}, pool_window(), {1.f, 0}, {1.f, 0}, Activation::Relu6);
  max_pool(p, kPoolInput.data(), y.data());
  EXPECT_EQ(y, (std::vector<int8_t>{0, 2, 0, 6}));
}

// A [1, 2, 2, 3] input; per channel the codes at the four positions:
//   c0: 1, 2, 2, 2 (sum 7)   c1: -1, -2, -2, -2 (sum -7)   c2: 127 x 4
const std::vector<int8_t> kMeanInput = {1, -1, 127, 2, -2, 127, 2, -2, 127, 2, -2, 127};

TEST(Int8Mean, SameQuantizationTruncatesTowardZero) {
  // TFLite Micro's integer branch: 7 / 4 = 1 (1.75), -7 / 4 = -1, 508 / 4 = 127.
  // (The TFLite interpreter's reference kernel would give 2 for c0: it sums
  // codes minus the zero point, -5, rounds -5 / 4 to -1 and adds 3.)
  const MeanParams p = prepare_mean_hw({1, 2, 2, 3}, {0.5f, 3}, {0.5f, 3});
  std::vector<int8_t> y(3);
  mean_hw(p, kMeanInput.data(), y.data());
  EXPECT_EQ(y, (std::vector<int8_t>{1, -1, 127}));
}

TEST(Int8Mean, RescalingBranchIsFloat) {
  // in (0.5, -1) -> out (0.25, 2): scale = 2, bias = 1 * 2 = 2.
  //   c0: 1.75 * 2 + 2 = 5.5 -> 6, + 2 = 8   (real 0.5 * 2.75 = 1.375 = 5.5 / 4)
  //   c1: -1.75 * 2 + 2 = -1.5 -> -2, + 2 = 0
  //   c2: 127 * 2 + 2 = 256, + 2 = 258 -> 127
  const MeanParams p = prepare_mean_hw({1, 2, 2, 3}, {0.5f, -1}, {0.25f, 2});
  std::vector<int8_t> y(3);
  mean_hw(p, kMeanInput.data(), y.data());
  EXPECT_EQ(y, (std::vector<int8_t>{8, 0, 127}));
}

TEST(Int8Mean, BatchesKeepTheirOwnMeans) {
  // Two batches of one channel over 1x3: (1 + 2 + 4) / 3 = 2 (2.33), (-1 - 2 - 4) / 3 = -2.
  const std::vector<int8_t> x = {1, 2, 4, -1, -2, -4};
  const MeanParams p = prepare_mean_hw({2, 1, 3, 1}, {1.f, 0}, {1.f, 0});
  std::vector<int8_t> y(2);
  mean_hw(p, x.data(), y.data());
  EXPECT_EQ(y, (std::vector<int8_t>{2, -2}));
}

}  // namespace
}  // namespace octet::int8
