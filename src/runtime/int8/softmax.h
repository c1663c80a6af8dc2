// Int8 softmax, bit-exact with TFLite Micro's int8 -> int8 SOFTMAX
// (micro/kernels/softmax_common.cc prepare + reference_ops::Softmax in
// kernels/internal/reference/softmax.h).
//
// Real math: y_c = exp(beta * s_in * (x_c - max_c x)) / sum_k exp(...), with the
// output fixed at scale 1/256, zero point -128 (so q_out = round(256 * y) - 128).
//
// How the integers get there, per row:
//  1. diff = x_c - max (an int in [-255, 0]). Diffs below diff_min are treated as
//     exp() == 0: they contribute nothing to the sum and output -128.
//  2. diff is scaled to beta * s_in * diff as a Q5.26 fixed-point number by one
//     saturating rounding doubling high multiply (no right shift: the multiplier
//     is > 1, so its shift is a left shift, applied exactly before the multiply).
//  3. gemmlowp's exp_on_negative_values gives exp() in Q0.31; each is rounded to
//     Q12.19 and summed. (TFLite's sum overflows past 4096; ours stops growing
//     at 512, which step 5 already treats as "all -128", so it cannot.)
//  4. The sum is normalised to [1, 2) by a count-leading-zeros shift and inverted
//     with gemmlowp's one_over_one_plus_x_for_x_in_0_1 (Newton-Raphson in Q2.29).
//  5. Each output is (1/sum) * exp in Q0.31, rounding-divided by 2^(23 + the
//     normalising shift) so it lands on the 1/256 grid, then moved by -128 and
//     clamped to [-128, 127]. A lone maximum (sum == 1) gives 256 -> clamps to 127.
//     A sum of 512 or more would need a shift past 31: TFLite aborts on its
//     TFLITE_CHECK there; we return what its arithmetic tends to, every
//     probability < 1/512 rounding to 0, i.e. all -128 (also what the float
//     softmax rounds to).
#pragma once
#include <cstdint>
#include <string>

#include "runtime/int8/fixed_point.h"
#include "runtime/int8/params.h"

namespace octet::int8 {

constexpr float kSoftmaxOutputScale = 1.0f / 256.0f;
constexpr int32_t kSoftmaxOutputZeroPoint = -128;

struct SoftmaxParams {
  QuantizedMultiplier input_multiplier;  // beta * s_in * 2^26; shift always >= 1
  int32_t diff_min = 0;                  // smallest (x - max) whose exp() is computed
};

// The fixed-point formats SOFTMAX and LOG_SOFTMAX share. Q5.26 for the scaled
// diffs: exp(-16) and below no longer matter to a sum, but diffs down to -32
// must stay representable before being dropped. Q12.19 for the sum of exps
// (each <= 1).
constexpr int kScaledDiffIntegerBits = 5;
constexpr int kExpSumIntegerBits = 12;
using ScaledDiff = gemmlowp::FixedPoint<int32_t, kScaledDiffIntegerBits>;
using ExpSum = gemmlowp::FixedPoint<int32_t, kExpSumIntegerBits>;

// beta * s_in * diff in Q5.26, for diff in [diff_min, 0]. The shift is a left
// shift (multiplier > 1), so this is one rounding, and diff * 2^shift cannot
// overflow: diff_min keeps |diff| * 2^shift <= 31 * 2^26.
inline ScaledDiff scaled_diff(const SoftmaxParams& p, int32_t diff) {
  return ScaledDiff::FromRaw(multiply_by_quantized_multiplier(diff, p.input_multiplier));
}

// exp(beta * s_in * diff) in Q0.31, for diff in [diff_min, 0].
inline gemmlowp::FixedPoint<int32_t, 0> exp_of_diff(const SoftmaxParams& p, int32_t diff) {
  return gemmlowp::exp_on_negative_values(scaled_diff(p, diff));
}

// TFLite's PreprocessSoftmaxScaling + CalculateInputRadius: the real multiplier
// beta * s_in * 2^26 (in double) is capped at 2^31 - 1 and quantized; it must be
// > 1 (throws Unsupported otherwise, where TFLite's CHECK would abort). Also
// rejects beta * s_in >= 16, where TFLite's shift of 31 overflows `1 << shift`.
// diff_min = -floor(31 * 2^26 / 2^left_shift): the most negative diff whose
// scaled value still fits Q5.26 (|value| < 32) without saturating.
// `op` names the kernel in errors.
SoftmaxParams prepare_softmax_scaling(float input_scale, float beta, const std::string& op);

// The scaling above, for an output that must be the fixed {1/256, -128}
// (Unsupported otherwise).
SoftmaxParams prepare_softmax(Affine input, Affine output, float beta);

// Calls row(first) for each of the outer * inner rows of an [outer, depth,
// inner] tensor: `first` is the offset of the row's first element, the others
// follow `inner` apart.
template <typename RowFunction>
void for_each_row(int64_t outer, int64_t depth, int64_t inner, RowFunction row) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) row(o * depth * inner + i);
}

// Softmax over the middle axis of an [outer, depth, inner] int8 tensor. TFLite
// only runs the innermost axis (inner == 1); any other axis gives the same
// numbers for each row, since the arithmetic is per row. Works in place.
void softmax(const SoftmaxParams& params, const int8_t* in, int8_t* out, int64_t outer,
             int64_t depth, int64_t inner);

}  // namespace octet::int8
