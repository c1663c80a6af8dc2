// Int8 tanh, bit-exact with TFLite Micro's int8 TANH (micro/kernels/tanh_common.cc
// prepare + reference_integer_ops::Tanh in
// kernels/internal/reference/integer_ops/tanh.h).
//
// Output is fixed at scale 1/128, zero point 0: q_out = round(128 * tanh(x)).
//
// The input side is logistic's (logistic.h: prepare_q4_input, the same
// saturation radius and Q4.27 rescale). Then gemmlowp::tanh gives tanh in Q0.31
// (exactly 0 at 0), a rounding divide by 2^24 puts it on the 1/128 grid, and a
// clamp to [-128, 127] follows (tanh close to 1 rounds to 128 and clamps to 127;
// close to -1 it rounds to -128, which fits).
#pragma once
#include <cstdint>

#include "runtime/int8/logistic.h"

namespace octet::int8 {

constexpr float kTanhOutputScale = 1.0f / 128.0f;
constexpr int32_t kTanhOutputZeroPoint = 0;

// The output must be the fixed {1/128, 0} (Unsupported otherwise).
Q4InputParams prepare_tanh(Affine input, Affine output);

// tanh elementwise over `count` values; in place is fine.
void tanh(const Q4InputParams& params, const int8_t* in, int8_t* out, int64_t count);

}  // namespace octet::int8
