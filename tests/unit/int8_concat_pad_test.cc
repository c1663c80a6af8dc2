// int8 CONCATENATION (copy, or requantize an input quantized differently from
// the output) and PAD / PADV2 on hand-derived values.
#include <gtest/gtest.h>

#include <vector>

#include "graph/error.h"
#include "runtime/int8/concatenation.h"
#include "runtime/int8/pad.h"

namespace octet::int8 {
namespace {

TEST(Int8Concatenation, CopiesMatchingInputsAndRequantizesOthers) {
  // A [2, 2] quantized like the output (0.5, 0) is copied; B [2, 1] at
  // (1.0, 1) is requantized by 1.0 / 0.5 = 2 = {2^30, 2}: (10 - 1) * 2 = 18,
  // (-10 - 1) * 2 = -22, (70 - 1) * 2 = 138 -> 127.
  const std::vector<int8_t> a = {1, 2, 3, 4};
  const std::vector<int8_t> b = {10, -10};
  const ConcatenationParams p = prepare_concatenation({{2, 2}, {2, 1}}, 1, {{0.5f, 0}, {1.f, 1}}, {0.5f, 0});
  ASSERT_FALSE(p.requantize[0].has_value());
  ASSERT_TRUE(p.requantize[1].has_value());
  const int8_t* inputs[] = {a.data(), b.data()};
  std::vector<int8_t> y(6);
  concatenation(p, inputs, y.data());
  EXPECT_EQ(y, (std::vector<int8_t>{1, 2, 18, 3, 4, -22}));
  const std::vector<int8_t> c = {70, 0};
  const int8_t* saturating[] = {a.data(), c.data()};
  concatenation(p, saturating, y.data());
  EXPECT_EQ(y, (std::vector<int8_t>{1, 2, 127, 3, 4, -2}));  // (0 - 1) * 2 = -2
}

TEST(Int8Concatenation, LeadingAxisAppendsWholeTensors) {
  const std::vector<int8_t> a = {1, 2, 3}, b = {4, 5, 6, 7, 8, 9};
  const ConcatenationParams p = prepare_concatenation({{1, 3}, {2, 3}}, 0, {{1.f, 0}, {1.f, 0}}, {1.f, 0});
  const int8_t* inputs[] = {a.data(), b.data()};
  std::vector<int8_t> y(9);
  concatenation(p, inputs, y.data());
  EXPECT_EQ(y, (std::vector<int8_t>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(Int8Concatenation, RejectsShapesThatDisagreeOffTheAxis) {
  EXPECT_THROW(prepare_concatenation({{2, 2}, {3, 1}}, 1, {{1.f, 0}, {1.f, 0}}, {1.f, 0}), Error);
  EXPECT_THROW(prepare_concatenation({{2, 2}}, 2, {{1.f, 0}}, {1.f, 0}), Error);
}

TEST(Int8Pad, PadsWithTheOutputZeroPoint) {
  // [1, 2, 2, 1] codes 1..4; one row on top, one column on the right; pad
  // value = zero point -7 (real 0).
  const std::vector<int8_t> x = {1, 2, 3, 4};
  const PadParams p = prepare_pad({1, 2, 2, 1}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0.1f, -7}, {0.1f, -7});
  EXPECT_EQ(p.output_dims(), (std::vector<int64_t>{1, 3, 3, 1}));
  std::vector<int8_t> y(9);
  pad(p, x.data(), y.data());
  EXPECT_EQ(y, (std::vector<int8_t>{-7, -7, -7, 1, 2, -7, 3, 4, -7}));
}

TEST(Int8Pad, Padv2ConstantOnEveryDimension) {
  // [2, 1] -> [1 + 2 + 0, 1 + 1 + 2] = [3, 4] with constant 5.
  const std::vector<int8_t> x = {8, 9};
  const PadParams p = prepare_pad({2, 1}, {1, 1}, {0, 2}, {1.f, 0}, {1.f, 0}, int8_t{5});
  std::vector<int8_t> y(12);
  pad(p, x.data(), y.data());
  EXPECT_EQ(y, (std::vector<int8_t>{5, 5, 5, 5, 5, 8, 5, 5, 5, 9, 5, 5}));
}

TEST(Int8Pad, RejectsNegativePadsAndRescaling) {
  EXPECT_THROW(prepare_pad({2}, {-1}, {0}, {1.f, 0}, {1.f, 0}), Error);
  EXPECT_THROW(prepare_pad({2}, {1}, {0}, {1.f, 0}, {1.f, 1}), Error);
}

}  // namespace
}  // namespace octet::int8
