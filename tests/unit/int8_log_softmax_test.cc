// Int8 log-softmax (TFLite's reference LOG_SOFTMAX) and its fixed-point log:
// prepare against TFLite's scaling worked out by hand, pinned rows derived from
// the same fixed-point steps computed independently (integers for the scaled
// diffs, double for exp and log), and random rows against the float function
// within one output step. (Rows along a middle axis: int8_ops_test's
// LogSoftmaxAlongInnerAndMiddleAxes.)
//
// Pins are robust to the double stand-ins: each output sits at least 0.2 steps
// from a rounding boundary, i.e. 2^22 * 0.2 ~ 840000 Q5.26 units, while the
// fixed-point log errs by < 4 units and each exp by at most one Q12.19 unit
// (under 2^7 Q5.26 units of log).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "graph/error.h"
#include "runtime/int8/fixed_point_log.h"
#include "runtime/int8/log_softmax.h"

namespace octet::int8 {
namespace {

using Bytes = std::vector<int8_t>;

constexpr Affine kLogSoftmaxOut{16.0f / 256.0f, 127};

Bytes log_softmax_rows(const Bytes& in, int64_t depth, float scale, float beta = 1.0f) {
  const LogSoftmaxParams p = prepare_log_softmax({scale, 0}, kLogSoftmaxOut, beta);
  Bytes out(in.size());
  log_softmax(p, in.data(), out.data(), static_cast<int64_t>(in.size()) / depth, depth, 1);
  return out;
}

TEST(Int8LogSoftmax, PrepareMatchesTfliteScaling) {
  // The input side is softmax's: 0.1f * 2^26 = 6710886.5 -> multiplier
  // 1717986944, shift 23; diff_min = -floor(31 * 2^26 / 2^23) = -248.
  // Reverse: 2^(31 - 23) / 1717986944 = 1.4901161e-7 = 0.62499999069 * 2^-22
  // -> round(0.62499999069 * 2^31) = 1342177260, shift -22.
  const LogSoftmaxParams p = prepare_log_softmax({0.1f, 0}, kLogSoftmaxOut, 1.0f);
  EXPECT_EQ(p.scaling.input_multiplier.multiplier, 1717986944);
  EXPECT_EQ(p.scaling.input_multiplier.shift, 23);
  EXPECT_EQ(p.scaling.diff_min, -248);
  EXPECT_EQ(p.reverse_multiplier.multiplier, 1342177260);
  EXPECT_EQ(p.reverse_multiplier.shift, -22);
  // 1.0 * 2^26 = 2^30 * 2^(27 - 31): multiplier 2^30, shift 27; reverse
  // 2^4 / 2^30 = 2^-26 = 0.5 * 2^-25.
  const LogSoftmaxParams unit = prepare_log_softmax({1.0f, 0}, kLogSoftmaxOut, 1.0f);
  EXPECT_EQ(unit.scaling.input_multiplier.multiplier, 1 << 30);
  EXPECT_EQ(unit.scaling.diff_min, -15);
  EXPECT_EQ(unit.reverse_multiplier.multiplier, 1 << 30);
  EXPECT_EQ(unit.reverse_multiplier.shift, -25);
}

TEST(Int8LogSoftmax, FixedPointLogWithinFourUnitsOfLog) {
  using Sum = gemmlowp::FixedPoint<int32_t, 12>;
  // Exact where the mantissa is 1/2: log 1 = 0, log 2 = round(0.693147 * 2^26).
  EXPECT_EQ((log_of_at_least_one<5>(Sum::FromRaw(1 << 19)).raw()), 0);
  EXPECT_EQ((log_of_at_least_one<5>(Sum::FromRaw(1 << 20)).raw()), 46516320);
  // Just above 1, log(1 + 2^-19) = 2^-19 - ... = 127.9998 units of 2^-26: never
  // negative, which log_softmax relies on (log(sum) - 32 must not overflow).
  EXPECT_EQ((log_of_at_least_one<5>(Sum::FromRaw((1 << 19) + 1)).raw()), 128);
  for (int32_t raw = 1 << 19; raw < (1 << 19) + (1 << 16); ++raw)
    ASSERT_GE((log_of_at_least_one<5>(Sum::FromRaw(raw)).raw()), 0) << "sum raw " << raw;
  // Every binade of Q12.19 from 1 to just below 4096, both candidates for r.
  for (int64_t raw = 1 << 19; raw <= INT32_MAX; raw += 1 + (raw >> 14)) {
    const int32_t log_raw = log_of_at_least_one<5>(Sum::FromRaw(static_cast<int32_t>(raw))).raw();
    const double truth = std::log(static_cast<double>(raw) / (1 << 19)) * (1 << 26);
    ASSERT_NEAR(log_raw, truth, 4) << "sum raw " << raw;
  }
}

TEST(Int8LogSoftmax, PinnedRows) {
  // Logits 1..5 at scale 0.1: diffs -40..0 scale exactly to -k * 6710886.5
  // (k = 40, 30, 20, 10, 0), e.g. -268435460 = Q5.26 for -4.00000006. Their exps
  // in Q12.19 (2^19 e^(scaled / 2^26), rounded): 9603 (9602.67), 26103 (.76),
  // 70955 (.66), 192875 (.77), 524288; sum 823824 = 1.5713196, log 0.4519158
  // (Q5.26 30327553.5). Outputs 16 * (scaled diff - log): -71.231, -55.231,
  // -39.231, -23.231, -7.231 -> round + 127 = 56, 72, 88, 104, 120.
  EXPECT_EQ(log_softmax_rows({10, 20, 30, 40, 50}, 5, 0.1f), (Bytes{56, 72, 88, 104, 120}));
  // diffs (0, -10): -10 scales to -67108865 (-1.0000000149); sum 2^19 + 192875
  // = 717163 (1.3678799), log 0.3132624 (21022656.9); outputs -5.012 -> 122 and
  // -21.012 -> 106.
  EXPECT_EQ(log_softmax_rows({0, -10}, 2, 0.1f), (Bytes{122, 106}));
  // A lone maximum: sum exactly 1 (2^19), log 0 -> output 127. The other diff,
  // -255 < diff_min = -248, is dropped: -128.
  EXPECT_EQ(log_softmax_rows({127, -128}, 2, 0.1f), (Bytes{127, -128}));
  EXPECT_EQ(log_softmax_rows({-128}, 1, 0.1f), (Bytes{127}));
  // Scale 1 (diff_min -15): diffs 0 and -5 summed, 2^19 + round(3532.62) =
  // 527821, log 0.0067161 (450707.1); 0 -> -0.107 -> 127, -5 -> -80.107 -> 47;
  // -20 and -40 are below diff_min (their real outputs clamp anyway): -128.
  EXPECT_EQ(log_softmax_rows({0, -5, -20, -40}, 4, 1.0f), (Bytes{127, 47, -128, -128}));
}

TEST(Int8LogSoftmax, AllEqualLogits) {
  // n equal logits: every exp is exactly 1, sum = n, output round(-16 log n) + 127
  // whatever the value and scale. n = 4: -22.181 -> 105. n = 300: -91.261 -> 36.
  EXPECT_EQ(log_softmax_rows({7, 7, 7, 7}, 4, 0.02f), Bytes(4, 105));
  EXPECT_EQ(log_softmax_rows({-128, -128, -128, -128}, 4, 0.5f), Bytes(4, 105));
  EXPECT_EQ(log_softmax_rows(Bytes(300, 5), 300, 0.1f), Bytes(300, 36));
  // n = 5000 wraps TFLite's Q12.19 accumulator; ours saturates at 2^31 - 1
  // (4095.999998): log 8.317766 -> -133.084 -> -6 (the float answer, -16 log 5000
  // = -136.3, would give -9).
  EXPECT_EQ(log_softmax_rows(Bytes(5000, -3), 5000, 0.1f), Bytes(5000, -6));
}

TEST(Int8LogSoftmax, InPlace) {
  Bytes row = {10, 20, 30, 40, 50};
  const LogSoftmaxParams p = prepare_log_softmax({0.1f, 0}, kLogSoftmaxOut, 1.0f);
  log_softmax(p, row.data(), row.data(), 1, 5, 1);
  EXPECT_EQ(row, (Bytes{56, 72, 88, 104, 120}));
}

TEST(Int8LogSoftmax, WithinOneStepOfFloat) {
  std::mt19937 rng(11);
  for (float scale : {0.01f, 0.05f, 0.1f, 0.25f, 1.0f, 4.0f}) {
    for (float beta : {0.5f, 1.0f, 2.0f}) {
      for (int depth : {1, 2, 10, 100, 1001, 4095}) {
        // Values over a random sub-range, so rows range from flat to spread out.
        int lo = static_cast<int>(rng() % 256) - 128, hi = static_cast<int>(rng() % 256) - 128;
        if (lo > hi) std::swap(lo, hi);
        std::uniform_int_distribution<int> value(lo, hi);
        Bytes in(depth);
        for (auto& q : in) q = static_cast<int8_t>(value(rng));
        const Bytes out = log_softmax_rows(in, depth, scale, beta);
        const int max = *std::max_element(in.begin(), in.end());
        double sum = 0;
        for (int8_t q : in) sum += std::exp(double(beta) * scale * (q - max));
        for (int c = 0; c < depth; ++c) {
          const double y = double(beta) * scale * (in[c] - max) - std::log(sum);
          const double expected = std::clamp(std::round(16 * y) + 127, -128.0, 127.0);
          ASSERT_NEAR(out[c], expected, 1)
              << "scale " << scale << " beta " << beta << " depth " << depth << " at " << c;
        }
      }
    }
  }
}

TEST(Int8LogSoftmax, RejectsWhatTfliteRejects) {
  EXPECT_THROW(prepare_log_softmax({0.1f, 0}, {1.0f / 256, 127}, 1.0f), Error);  // output scale
  EXPECT_THROW(prepare_log_softmax({0.1f, 0}, {16.0f / 256, -128}, 1.0f), Error);  // output zp
  EXPECT_THROW(prepare_log_softmax({1e-9f, 0}, kLogSoftmaxOut, 1.0f), Error);  // multiplier <= 1
}

}  // namespace
}  // namespace octet::int8
