// MUL, int8: TFLite's reference_integer_ops::MulElementwise /
// BroadcastMul4DSlow with TFLite Micro's CalculateOpDataMul parameters:
//   y = clamp(MBQM((q_1 - zp_1) * (q_2 - zp_2), s_1 * s_2 / s_out) + zp_out)
// The product is at most 255 * 255 = 65025 < 2^16 in magnitude. The real
// multiplier may exceed 1 (a left shift), in which case step 1 of the
// rounding contract wraps, exactly like TFLite, once the product times 2^shift
// leaves int32 (only for shifts above 15).
#pragma once
#include <cstdint>

#include "runtime/int8/broadcast.h"
#include "runtime/int8/fixed_point.h"
#include "runtime/int8/params.h"

namespace octet::int8 {

struct MulParams {
  int32_t input1_offset = 0;  // -(zero point of input 1)
  int32_t input2_offset = 0;  // -(zero point of input 2)
  int32_t output_offset = 0;  // +(output zero point)
  QuantizedMultiplier output_multiplier;
  ActivationRange activation;
};

// quantize_multiplier(double(s_1) * double(s_2) / double(s_out)).
inline MulParams prepare_mul(Affine in1, Affine in2, Affine out, Activation activation) {
  check_int8_zero_point(in1, "MUL input 1");
  check_int8_zero_point(in2, "MUL input 2");
  check_int8_zero_point(out, "MUL output");
  MulParams p;
  p.input1_offset = -in1.zero_point;
  p.input2_offset = -in2.zero_point;
  p.output_offset = out.zero_point;
  p.output_multiplier = quantize_multiplier(static_cast<double>(in1.scale) * static_cast<double>(in2.scale) /
                                            static_cast<double>(out.scale));
  p.activation = quantized_activation_range(activation, out);
  return p;
}

inline int8_t mul_value(int8_t a, int8_t b, const MulParams& p) {
  const int32_t product = (int32_t{a} + p.input1_offset) * (int32_t{b} + p.input2_offset);
  return clamp_to(p.activation, multiply_by_quantized_multiplier(product, p.output_multiplier) + p.output_offset);
}

inline void mul(const MulParams& p, const Broadcast4D& shape, const int8_t* a, const int8_t* b, int8_t* y) {
  for_each_broadcast(shape, [&](int64_t i, int64_t j, int64_t o) { y[o] = mul_value(a[i], b[j], p); });
}

}  // namespace octet::int8
