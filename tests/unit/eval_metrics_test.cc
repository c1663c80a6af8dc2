// The evaluation metrics against values worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "eval/metrics.h"

namespace octet::eval {
namespace {

using Ranking = std::vector<int64_t>;

TEST(EvalTopK, LargestFirst) {
  const float v[] = {0.1f, 0.7f, -2.0f, 0.3f, 5.0f, 0.2f};
  EXPECT_EQ(top_k(v, 6, 3), (Ranking{4, 1, 3}));
  EXPECT_EQ(top_k(v, 6, 1), (Ranking{4}));
}

TEST(EvalTopK, TiesGoToTheLowestIndex) {
  // int8 outputs tie often: as a stable descending sort, 2 before 5 before 6.
  const float v[] = {-1.0f, 0.5f, 3.0f, 0.5f, -1.0f, 3.0f, 3.0f};
  EXPECT_EQ(top_k(v, 7, 5), (Ranking{2, 5, 6, 1, 3}));
  const float all_equal[] = {4.0f, 4.0f, 4.0f, 4.0f};
  EXPECT_EQ(top_k(all_equal, 4, 2), (Ranking{0, 1}));
}

TEST(EvalTopK, KIsCappedAtTheCount) {
  const float v[] = {1.0f, 2.0f};
  EXPECT_EQ(top_k(v, 2, 5), (Ranking{1, 0}));
  EXPECT_TRUE(top_k(v, 0, 5).empty());
}

TEST(EvalTopK, NanRanksLast) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float v[] = {nan, -3.0f, nan, 1.0f};
  EXPECT_EQ(top_k(v, 4, 4), (Ranking{3, 1, 0, 2}));
}

TEST(EvalTally, CountsTopKHitsAndAgreement) {
  ClassificationTally tally;
  // Image 1, class 3: float right at top-1, int8 has it 2nd; top-1s differ.
  tally.add({3, 1, 0, 2, 4}, {1, 3, 0, 2, 4}, 3);
  // Image 2, class 7: both top-1 = 2 (agree); 7 is 5th for float, absent for int8.
  tally.add({2, 0, 1, 4, 7}, {2, 0, 1, 4, 5}, 7);
  // Image 3, unlabelled: counts for agreement only (agree).
  tally.add({6, 0, 1, 2, 3}, {6, 1, 0, 2, 3}, -1);
  // Image 4, class 0: both right.
  tally.add({0, 1, 2, 3, 4}, {0, 2, 1, 3, 4}, 0);

  EXPECT_EQ(tally.images(), 4);
  EXPECT_EQ(tally.labelled(), 3);
  EXPECT_EQ(tally.agreeing(), 3);
  EXPECT_EQ(tally.float_hits().top1, 2);  // images 1 and 4
  EXPECT_EQ(tally.float_hits().top5, 3);  // 1, 2, 4
  EXPECT_EQ(tally.int8_hits().top1, 1);   // image 4
  EXPECT_EQ(tally.int8_hits().top5, 2);   // 1, 4
  EXPECT_DOUBLE_EQ(percent(tally.agreeing(), tally.images()), 75.0);
  EXPECT_DOUBLE_EQ(percent(tally.int8_hits().top5, tally.labelled()), 200.0 / 3.0);
}

TEST(EvalTally, TopFiveOfFewerClasses) {
  // A two-class model ranks two classes: top-5 is then always a hit.
  ClassificationTally tally;
  tally.add({1, 0}, {0, 1}, 0);
  EXPECT_EQ(tally.float_hits().top1, 0);
  EXPECT_EQ(tally.float_hits().top5, 1);
  EXPECT_EQ(tally.int8_hits().top1, 1);
  EXPECT_EQ(tally.agreeing(), 0);
}

TEST(EvalPercent, EmptyWholeIsZero) {
  EXPECT_EQ(percent(0, 0), 0.0);
  EXPECT_DOUBLE_EQ(percent(4738, 5000), 94.76);
}

TEST(EvalSqnr, SumsOverImagesBeforeTheRatio) {
  SqnrAccumulator sqnr;
  // Image 1: f = (3, 4), q = (3, 3): signal 25, noise 1.
  const float f1[] = {3.0f, 4.0f}, q1[] = {3.0f, 3.0f};
  // Image 2: f = (0, 5), q = (1, 5): signal 25, noise 1.
  const float f2[] = {0.0f, 5.0f}, q2[] = {1.0f, 5.0f};
  sqnr.add(f1, q1, 2);
  sqnr.add(f2, q2, 2);
  EXPECT_EQ(sqnr.signal(), 50.0);
  EXPECT_EQ(sqnr.noise(), 2.0);
  EXPECT_EQ(sqnr.values(), 4);
  EXPECT_NEAR(sqnr.db(), 10.0 * std::log10(25.0), 1e-12);  // 13.979 dB
}

TEST(EvalSqnr, HandComputedDecibels) {
  // signal 1^2 + 2^2 + 2^2 = 9; noise 0.03^2 * 3 = 0.0027; 10 log10(9 / 0.0027) = 35.229 dB.
  SqnrAccumulator sqnr;
  const float f[] = {1.0f, -2.0f, 2.0f}, q[] = {1.03f, -2.03f, 1.97f};
  sqnr.add(f, q, 3);
  EXPECT_NEAR(sqnr.db(), 35.2288, 1e-3);
}

TEST(EvalSqnr, IdenticalIsInfiniteAndZeroSignalIsMinusInfinite) {
  SqnrAccumulator same;
  const float f[] = {1.5f, -2.0f};
  same.add(f, f, 2);
  EXPECT_EQ(same.db(), std::numeric_limits<double>::infinity());

  SqnrAccumulator silent;
  const float zeros[] = {0.0f, 0.0f}, noise[] = {0.0f, 0.5f};
  silent.add(zeros, noise, 2);
  EXPECT_EQ(silent.db(), -std::numeric_limits<double>::infinity());

  SqnrAccumulator broken;
  const float nan[] = {std::numeric_limits<float>::quiet_NaN(), 1.0f};
  broken.add(f, nan, 2);
  EXPECT_TRUE(std::isnan(broken.db()));
}

}  // namespace
}  // namespace octet::eval
