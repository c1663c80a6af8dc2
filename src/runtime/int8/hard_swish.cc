#include "runtime/int8/hard_swish.h"

#include <gemmlowp/fixedpoint/fixedpoint.h>

#include <algorithm>
#include <limits>

#include "graph/error.h"
#include "runtime/int8/fixed_point.h"

namespace octet::int8 {
namespace {

// Q0.31 -> Q0.15, rounding half up; multipliers within 2^15 of 2^31 would round
// to 2^15, which int16 cannot hold, so they become 32767.
int16_t to_q0_15(int32_t multiplier) {
  constexpr int32_t kHalf = 1 << 15;
  if (multiplier >= std::numeric_limits<int32_t>::max() - kHalf) return 32767;
  return static_cast<int16_t>((multiplier + kHalf) >> 16);
}

// value * 2^amount, saturated to int16.
int16_t saturating_shift_left(int16_t value, int amount) {
  const int64_t shifted = static_cast<int64_t>(value) * (int64_t{1} << amount);
  return static_cast<int16_t>(std::clamp<int64_t>(shifted, -32768, 32767));
}

// a * b / 2^15 truncated toward zero (ARM SQDMULH on int16); -1 * -1 saturates.
int16_t saturating_doubling_high_mul(int16_t a, int16_t b) {
  if (a == -32768 && b == -32768) return 32767;
  return static_cast<int16_t>((int32_t{a} * int32_t{b}) / (1 << 15));
}

// x / 3 as Q0.15 in [-1, 1), from x on the hires input scale.
int16_t reluish_of(const HardSwishParams& p, int16_t hires) {
  int16_t r = hires;
  if (p.reluish_exponent > 0) r = saturating_shift_left(r, p.reluish_exponent - 1);
  r = gemmlowp::SaturatingRoundingDoublingHighMul(r, p.reluish_multiplier);
  if (p.reluish_exponent > 0) r = saturating_shift_left(r, 1);
  if (p.reluish_exponent < 0) r = gemmlowp::RoundingDivideByPOT(r, -p.reluish_exponent);
  return r;
}

}  // namespace

HardSwishParams prepare_hard_swish(Affine input, Affine output) {
  HardSwishParams p;
  p.input_zero_point = input.zero_point;
  p.output_zero_point = output.zero_point;
  // float, not double, arithmetic: the rounding TFLite's multipliers start from.
  const float hires_input_scale = (1.0f / 128.0f) * input.scale;
  const float output_scale = output.scale;
  const float reluish_scale = 3.0f / 32768.0f;

  const QuantizedMultiplier to_output = quantize_multiplier(hires_input_scale / output_scale);
  if (to_output.shift > 0)
    fail(ErrorKind::Unsupported,
         "int8 hard-swish: input scale is 128x the output scale or more (TFLite rejects it)");
  p.output_multiplier = to_q0_15(to_output.multiplier);
  p.output_exponent = to_output.shift;

  const QuantizedMultiplier reluish = quantize_multiplier(hires_input_scale / reluish_scale);
  p.reluish_multiplier = to_q0_15(reluish.multiplier);
  p.reluish_exponent = reluish.shift;
  return p;
}

void hard_swish(const HardSwishParams& p, const int8_t* in, int8_t* out, int64_t count) {
  for (int64_t i = 0; i < count; ++i) {
    const int16_t hires = static_cast<int16_t>((in[i] - p.input_zero_point) * 128);
    const int16_t pre_out = gemmlowp::SaturatingRoundingDoublingHighMul(hires, p.output_multiplier);
    // [-1, 1) -> [0, 1): (r + 1) / 2 with 1.0 == 32768.
    const int16_t gate = static_cast<int16_t>((reluish_of(p, hires) + (1 << 15)) >> 1);
    int16_t q = gemmlowp::RoundingDivideByPOT(saturating_doubling_high_mul(gate, pre_out),
                                              -p.output_exponent);
    q = static_cast<int16_t>(q + p.output_zero_point);  // wraps in int16, as TFLite's does
    out[i] = static_cast<int8_t>(std::clamp<int16_t>(q, -128, 127));
  }
}

}  // namespace octet::int8
