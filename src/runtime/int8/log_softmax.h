// Int8 log-softmax, bit-exact with TFLite's reference int8 -> int8 LOG_SOFTMAX
// (activations.cc LogSoftmaxPrepare, kReference branch, which TFLite Micro
// always takes + reference_integer_ops::LogSoftmax). The TFLite interpreter's
// default (optimized) kernel uses a float lookup table instead and may land one
// step away.
//
// Real math: y_c = beta * s_in * (x_c - max) - log(sum_k exp(beta * s_in * (x_k - max))),
// always <= 0, with the output fixed at scale 16/256, zero point 127: [-255/16, 0]
// maps onto [-128, 127] (q_out = round(16 * y) + 127).
//
// How the integers get there, per row (steps 1-2 are softmax's, see softmax.h):
//  1. diff = x_c - max; diffs below diff_min are dropped from the sum.
//  2. Each kept diff is scaled to beta * s_in * diff in Q5.26, exponentiated
//     (Q0.31) and summed in Q12.19.
//  3. log(sum) in Q5.26 (fixed_point_log.h). sum >= 1: the max's exp is exactly
//     1; and log(sum) >= 0 (log(1) is exactly 0; checked for every Q12.19 sum).
//  4. An output is (scaled diff - log sum) rounding-divided by 2^22 (Q5.26 ->
//     the 1/16 grid) plus 127, clamped to [-128, 127]. Diffs whose scaled value
//     minus log(sum) would fall below Q5.26's -32 give -128 without being
//     computed, so the subtraction cannot overflow: the diff that lands there
//     is found once per row by mapping log(sum) - 32 back to input units
//     (`reverse_multiplier`), and a diff is kept only if it is above that and
//     at least diff_min. (Anything below -16 clamps to -128 anyway.)
//
// Where TFLite's arithmetic breaks down: a sum of 4096 or more (only possible
// with depth >= 4096) wraps TFLite's Q12.19 accumulator (undefined behaviour);
// ours saturates just below 4096, so such rows come out a few steps high.
#pragma once
#include <cstdint>

#include "runtime/int8/fixed_point.h"
#include "runtime/int8/params.h"
#include "runtime/int8/softmax.h"

namespace octet::int8 {

constexpr float kLogSoftmaxOutputScale = 16.0f / 256.0f;
constexpr int32_t kLogSoftmaxOutputZeroPoint = 127;

struct LogSoftmaxParams {
  SoftmaxParams scaling;                  // beta * s_in * 2^26 and diff_min, as softmax's
  QuantizedMultiplier reverse_multiplier;  // 1 / that multiplier: Q5.26 back to input units
};

// softmax's scaling (prepare_softmax_scaling), plus TFLite's reverse scaling
// (PreprocessLogSoftmaxScalingExp): 2^(31 - shift) / multiplier in double,
// quantized as a multiplier < 1 (Unsupported where it rounds up to 1, TFLite's
// CHECK). TFLite's LOG_SOFTMAX has no beta (it uses 1); ours takes the node's,
// 1 for every imported model. The output must be the fixed {16/256, 127}.
LogSoftmaxParams prepare_log_softmax(Affine input, Affine output, float beta);

// Log-softmax over the middle axis of an [outer, depth, inner] int8 tensor.
// TFLite only runs the innermost axis (inner == 1); any other axis gives the
// same numbers for each row. Works in place.
void log_softmax(const LogSoftmaxParams& params, const int8_t* in, int8_t* out, int64_t outer,
                 int64_t depth, int64_t inner);

}  // namespace octet::int8
