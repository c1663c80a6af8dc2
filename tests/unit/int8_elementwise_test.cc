// int8 ADD, SUB and MUL (with 4-D broadcasting) on hand-derived values, and
// the ADD-vs-SUB multiplier recipes (double vs TFLite Micro's float).
#include <gtest/gtest.h>

#include <vector>

#include "graph/error.h"
#include "runtime/int8/add_sub.h"
#include "runtime/int8/mul.h"

namespace octet::int8 {
namespace {

// Scales 0.5 and 0.25 into 0.5: twice the larger scale is 1, so the input
// multipliers are 0.5 = {2^30, 0} and 0.25 = {2^30, -1}, the output one
// 1 / (2^20 * 0.5) = 2^-19 = {2^30, -18}; every step is exact except the
// last, so y = round_away((2 a' +- b') / 2) with a', b' = codes - zero points.
TEST(Int8Add, BroadcastRowAgainstColumn) {
  const AddSubParams p = prepare_add({0.5f, 0}, {0.25f, 0}, {0.5f, 0}, Activation::None);
  EXPECT_EQ(p.input2_multiplier.shift, -1);
  EXPECT_EQ(p.output_multiplier.shift, -18);
  const std::vector<int8_t> a = {3, -3};     // shape [2, 1]
  const std::vector<int8_t> b = {3, -3, 0};  // shape [3]
  std::vector<int8_t> y(6);
  add(p, prepare_broadcast_4d({2, 1}, {3}), a.data(), b.data(), y.data());
  // 2a + b: 9, 3, 6, -3, -9, -6 -> halves 4.5, 1.5, 3, -1.5, -4.5, -3.
  EXPECT_EQ(y, (std::vector<int8_t>{5, 2, 3, -2, -5, -3}));
}

TEST(Int8Add, ZeroPointsAndRelu) {
  // The same sums with zero points 10, -20 and 7; relu clamps below code 7.
  const AddSubParams p = prepare_add({0.5f, 10}, {0.25f, -20}, {0.5f, 7}, Activation::Relu);
  const std::vector<int8_t> a = {13, 7};
  const std::vector<int8_t> b = {-17, -23, -20};
  std::vector<int8_t> y(6);
  add(p, prepare_broadcast_4d({2, 1}, {3}), a.data(), b.data(), y.data());
  // 5, 2, 3, -2, -5, -3 plus 7 -> 12, 9, 10, 5, 2, 4 -> relu: 12, 9, 10, 7, 7, 7.
  EXPECT_EQ(y, (std::vector<int8_t>{12, 9, 10, 7, 7, 7}));
}

TEST(Int8Sub, SubtractsTheRescaledInputs) {
  const AddSubParams p = prepare_sub({0.5f, 0}, {0.25f, 0}, {0.5f, 0}, Activation::None);
  const std::vector<int8_t> a = {3, -3, 3, 0, 1};
  const std::vector<int8_t> b = {3, -3, -3, 3, 0};
  std::vector<int8_t> y(5);
  sub(p, prepare_broadcast_4d({5}, {5}), a.data(), b.data(), y.data());
  // 2a - b: 3, -3, 9, -3, 2 -> halves 1.5, -1.5, 4.5, -1.5, 1 -> 2, -2, 5, -2, 1.
  EXPECT_EQ(y, (std::vector<int8_t>{2, -2, 5, -2, 1}));
}

TEST(Int8AddSub, SubRatiosAreFloatAddRatiosAreDouble) {
  // 0.02f / (2 * 0.03f) is exactly 1/3 (0.02f * 3 == 2 * 0.03f). frexp(1/3) =
  // (2/3, -1). ADD: double 1/3 -> 2/3 * 2^31 = 1431655765.33 -> 1431655765.
  // SUB (TFLite Micro): float(1/3) = 11184811 * 2^-25 -> 11184811 * 2^7 = 1431655808.
  const AddSubParams add_p = prepare_add({0.02f, 0}, {0.03f, 0}, {0.05f, 0}, Activation::None);
  const AddSubParams sub_p = prepare_sub({0.02f, 0}, {0.03f, 0}, {0.05f, 0}, Activation::None);
  EXPECT_EQ(add_p.input1_multiplier.multiplier, 1431655765);
  EXPECT_EQ(sub_p.input1_multiplier.multiplier, 1431655808);
  EXPECT_EQ(add_p.input1_multiplier.shift, -1);
  EXPECT_EQ(sub_p.input1_multiplier.shift, -1);
  // 0.03 / 0.06 is 0.5 either way.
  EXPECT_EQ(add_p.input2_multiplier.multiplier, 1 << 30);
  EXPECT_EQ(sub_p.input2_multiplier.multiplier, 1 << 30);
  // The output ratio 0.06 / (2^20 * 0.05): float quotient vs double quotient.
  const float twice = 2 * 0.03f;
  EXPECT_EQ(sub_p.output_multiplier.multiplier,
            quantize_multiplier(static_cast<double>(twice / ((1 << 20) * 0.05f))).multiplier);
  EXPECT_EQ(add_p.output_multiplier.multiplier,
            quantize_multiplier(double{twice} / ((1 << 20) * double{0.05f})).multiplier);
  EXPECT_NE(add_p.output_multiplier.multiplier, sub_p.output_multiplier.multiplier);
}

TEST(Int8AddSub, RejectsAnOutputMultiplierOfOneOrMore) {
  // 2 * 1 / (2^20 * 1e-6) > 1: TFLite's QuantizeMultiplierSmallerThanOneExp fails.
  EXPECT_THROW(prepare_add({1.f, 0}, {1.f, 0}, {1e-6f, 0}, Activation::None), Error);
  EXPECT_THROW(prepare_add({1.f, 0}, {1.f, 0}, {1.f, 200}, Activation::None), Error);
}

TEST(Int8Mul, ZeroPointsScaleAboveOneAndSaturation) {
  // (0.5 * 0.5) / 0.125 = 2 = {2^30, 2}: x * 4, * 0.5.
  const MulParams p = prepare_mul({0.5f, 1}, {0.5f, -1}, {0.125f, 2}, Activation::None);
  EXPECT_EQ(p.output_multiplier.shift, 2);
  const std::vector<int8_t> a = {3, 21, -9};
  const std::vector<int8_t> b = {1, 9, 2};
  std::vector<int8_t> y(3);
  mul(p, prepare_broadcast_4d({3}, {3}), a.data(), b.data(), y.data());
  // (3-1)(1+1) = 4 -> 8 -> 10;  20 * 10 = 200 -> 400 -> 127;  -10 * 3 = -30 -> -60 -> -58.
  EXPECT_EQ(y, (std::vector<int8_t>{10, 127, -58}));
}

TEST(Int8Mul, ThirdWithDoubleRoundingAndScalarBroadcast) {
  // 1 / 3 = {1431655765, -1}. Products 1, 4, -4:
  //   1: 0.667 -> 1, / 2 = 0.5 -> 1;  4: 2.667 -> 3, 1.5 -> 2;  -4: -2.667 -> -3, -1.5 -> -2.
  const MulParams p = prepare_mul({1.f, 0}, {1.f, 0}, {3.f, 0}, Activation::None);
  const std::vector<int8_t> a = {1, 2, -2};
  const std::vector<int8_t> b = {1, 2, 2};
  std::vector<int8_t> y(3);
  mul(p, prepare_broadcast_4d({3}, {3}), a.data(), b.data(), y.data());
  EXPECT_EQ(y, (std::vector<int8_t>{1, 2, -2}));
  // b as a scalar 2: products 2, 4, -4 -> 2 * 1/3: 1.333 -> 1, / 2 -> 1.
  const int8_t two = 2;
  mul(p, prepare_broadcast_4d({1, 3}, {}), a.data(), &two, y.data());
  EXPECT_EQ(y, (std::vector<int8_t>{1, 2, -2}));
}

TEST(Int8Broadcast, ExtendsRightAlignedAndRejectsMismatches) {
  const Broadcast4D b = prepare_broadcast_4d({2, 1, 3}, {4, 1});
  EXPECT_EQ(b.output_dims, (std::array<int64_t, 4>{1, 2, 4, 3}));
  // [1,2,1,3] and [1,1,4,1]: row-major strides, 0 where extent 1 meets more
  // (a leading extent 1 facing 1 keeps its unused stride).
  EXPECT_EQ(b.stride1, (std::array<int64_t, 4>{6, 3, 0, 1}));
  EXPECT_EQ(b.stride2, (std::array<int64_t, 4>{4, 0, 1, 0}));
  EXPECT_THROW(prepare_broadcast_4d({2, 3}, {3, 2}), Error);
  EXPECT_THROW(prepare_broadcast_4d({1, 1, 1, 1, 2}, {2}), Error);
}

}  // namespace
}  // namespace octet::int8
