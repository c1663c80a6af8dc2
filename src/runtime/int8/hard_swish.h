// Int8 hard-swish, bit-exact with TFLite Micro's int8 HARD_SWISH
// (micro/kernels/hard_swish_common.cc prepare + reference_ops::HardSwish in
// kernels/internal/reference/hard_swish.h).
//
// Real math: y = x * relu6(x + 3) / 6, any input and output quantization.
//
// The kernel works in 16-bit fixed point throughout. Per element, with
// v = q_in - zp_in (|v| <= 255):
//  1. hires = v * 128: the input on a 128x finer scale, using 15 of the 16 bits.
//  2. pre_out = hires * output_multiplier (Q0.15, saturating rounding doubling
//     high multiply): x on the output scale times 2^-output_exponent, not yet
//     shifted right.
//  3. reluish = x / 3 on a scale where 1.0 is 32768, saturated to [-1, 1):
//     hires * reluish_multiplier * 2^reluish_exponent. A positive exponent is
//     applied as a saturating left shift by (exponent - 1), the Q0.15 multiply,
//     then one more saturating left shift, so any saturation that affects the
//     result happens in the last step; a negative exponent is a rounding right
//     shift after the multiply.
//  4. reluish = (reluish + 1) / 2 in [0, 1): the "relu6(x + 3) / 6" factor, by
//     (r + 32768) >> 1.
//  5. reluish * pre_out with a doubling high multiply that truncates toward zero
//     (ARM SQDMULH, not the rounding one: TFLite chose it to cancel the rounding
//     bias of step 2), then a rounding right shift by -output_exponent, plus
//     zp_out (in int16, as TFLite) and a clamp to [-128, 127].
#pragma once
#include <cstdint>

#include "runtime/int8/params.h"

namespace octet::int8 {

struct HardSwishParams {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  int16_t reluish_multiplier = 0;  // Q0.15: (s_in / 128) / (3 / 32768) = m * 2^e
  int reluish_exponent = 0;
  int16_t output_multiplier = 0;  // Q0.15: (s_in / 128) / s_out = m * 2^e
  int output_exponent = 0;        // always <= 0
};

// Both ratios are computed in float, as TFLite does, then quantized to a Q0.31
// multiplier (QuantizeMultiplier) and rounded to Q0.15 (half up; values that
// would round to 2^15 become 32767). Throws Unsupported when s_in / s_out is
// 128 or more (output_exponent > 0), which TFLite rejects too.
HardSwishParams prepare_hard_swish(Affine input, Affine output);

// hard-swish elementwise over `count` values; in place is fine.
void hard_swish(const HardSwishParams& params, const int8_t* in, int8_t* out, int64_t count);

}  // namespace octet::int8
