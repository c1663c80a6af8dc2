// int8 QUANTIZE / DEQUANTIZE / requantize and the quantized activation range,
// on hand-derived values (each derivation beside its check).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "graph/error.h"
#include "runtime/int8/params.h"
#include "runtime/int8/quantize.h"

namespace octet::int8 {
namespace {

TEST(Int8Quantize, RoundsHalfAwayFromZeroThenAddsZeroPointAndClamps) {
  const Affine q{0.5f, -1};
  // 1.25 / 0.5 = 2.5 -> 3, -1 -> 2;   -1.25 -> -2.5 -> -3, -1 -> -4;
  // 0.2 -> 0.4 -> 0 -> -1;  100 -> 200 - 1 -> 127;  -100 -> -201 -> -128.
  const std::vector<float> x = {1.25f, -1.25f, 0.2f, 100.f, -100.f};
  std::vector<int8_t> y(x.size());
  quantize(x.data(), static_cast<int64_t>(x.size()), q, y.data());
  EXPECT_EQ(y, (std::vector<int8_t>{2, -4, -1, 127, -128}));
}

TEST(Int8Quantize, DividesInFloat) {
  // 0.25f / 0.1f: in double 2.4999999627 (-> 2), but the float quotient is
  // the float nearest that, 2.5 (float spacing there is 2^-22 = 2.4e-7), and
  // round(2.5) = 3. TFLite divides in float, so 3.
  EXPECT_EQ(quantize_value(0.25f, {0.1f, 0}), 3);
}

TEST(Int8Quantize, HugeAndNonFiniteInputs) {
  EXPECT_EQ(quantize_value(1e30f, {1e-3f, 0}), 127);  // no int32 overflow
  EXPECT_EQ(quantize_value(-std::numeric_limits<float>::infinity(), {1.f, 5}), -128);
  EXPECT_EQ(quantize_value(std::nanf(""), {1.f, 5}), 5);  // our choice: the zero point
}

TEST(Int8Dequantize, OneFloatMultiply) {
  // 0.5 * (5 - (-1)) = 3;  0.5 * (-128 - 127) = -127.5.
  EXPECT_EQ(dequantize_value(5, {0.5f, -1}), 3.f);
  EXPECT_EQ(dequantize_value(-128, {0.5f, 127}), -127.5f);
}

TEST(Int8Requantize, DoublingScale) {
  // in scale 0.5 -> out scale 0.25: multiplier 2 = {2^30, shift 2}.
  // q 3: 3 * 4 = 12, * 0.5 = 6, + 10 = 16;  60 -> 120 + 10 -> 127;  -70 -> -130 -> -128.
  const RequantizeParams p = prepare_requantize({0.5f, 0}, {0.25f, 10});
  EXPECT_EQ(p.multiplier.multiplier, 1 << 30);
  EXPECT_EQ(p.multiplier.shift, 2);
  const std::vector<int8_t> x = {3, 60, -70};
  std::vector<int8_t> y(3);
  requantize(x.data(), 3, p, y.data());
  EXPECT_EQ(y, (std::vector<int8_t>{16, 127, -128}));
}

TEST(Int8Requantize, ThirdShowsDoubleRounding) {
  // 1/3 = (2/3) * 2^-1; 2/3 * 2^31 = 1431655765.33 -> 1431655765, shift -1.
  const RequantizeParams p = prepare_requantize({1.f, 0}, {3.f, 0});
  EXPECT_EQ(p.multiplier.multiplier, 1431655765);
  EXPECT_EQ(p.multiplier.shift, -1);
  // q 1: step 2 gives round(0.667) = 1, step 3 round(1 / 2) = 1 -- although
  // 1/3 itself rounds to 0.
  EXPECT_EQ(requantize_value(1, p), 1);
  // q 2: round(1.333) = 1, then 1 / 2 = 0.5 -> 1.  q -2: -1.333 -> -1, -0.5 -> -1.
  EXPECT_EQ(requantize_value(2, p), 1);
  EXPECT_EQ(requantize_value(-2, p), -1);
}

TEST(Int8ActivationRange, QuantizesTheBoundsAndIntersectsWithInt8) {
  // relu, zero point -128: [max(-128, -128), 127].
  ActivationRange r = quantized_activation_range(Activation::Relu, {0.04f, -128});
  EXPECT_EQ(r.min, -128);
  EXPECT_EQ(r.max, 127);
  // relu6, scale 0.05, zero point -128: 6 / 0.05 = 120 -> -8.
  r = quantized_activation_range(Activation::Relu6, {0.05f, -128});
  EXPECT_EQ(r.min, -128);
  EXPECT_EQ(r.max, -8);
  // relu_n1_to_1, scale 1/128, zero point 0: [-128, min(127, 128)].
  r = quantized_activation_range(Activation::ReluN1To1, {1.f / 128, 0});
  EXPECT_EQ(r.min, -128);
  EXPECT_EQ(r.max, 127);
  // relu, zero point 10, scale 1: [10, 127];  none: the full range.
  r = quantized_activation_range(Activation::Relu, {1.f, 10});
  EXPECT_EQ(r.min, 10);
  r = quantized_activation_range(Activation::None, {1.f, 10});
  EXPECT_EQ(r.min, -128);
  EXPECT_EQ(r.max, 127);
  EXPECT_THROW(quantized_activation_range(Activation::Relu6, {1e-30f, 0}), Error);
}

TEST(Int8Requantize, RejectsZeroPointsOutsideInt8) {
  EXPECT_THROW(prepare_requantize({1.f, 128}, {1.f, 0}), Error);
  EXPECT_THROW(prepare_requantize({1.f, 0}, {1.f, -129}), Error);
}

}  // namespace
}  // namespace octet::int8
