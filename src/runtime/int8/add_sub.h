// ADD and SUB, int8 with general rescaling: TFLite's AddFunc
// (reference_integer_ops/add.h) and SubElementwise / BroadcastQuantSubSlow
// (reference/sub.h), with the parameters TFLite Micro's add_common.cc and
// sub_common.cc compute.
//
// Both inputs are moved to one fixed-point scale before the integer sum:
//   x_i' = MBQM((q_i - zp_i) * 2^20, s_i / (2 * max(s_1, s_2)))
//   y    = clamp(MBQM(x_1' +- x_2', 2 * max(s_1, s_2) / (2^20 * s_out)) + zp_out)
// so x_i' carries x_i in units of 2 * max(s) / 2^20. Bounds: |q - zp| <= 255
// gives |(q - zp) * 2^20| < 2^28, the input multipliers are <= 1/2, so
// |x_i'| < 2^27 and the sum or difference stays below 2^28.
#pragma once
#include <algorithm>
#include <cstdint>

#include "runtime/int8/broadcast.h"
#include "runtime/int8/fixed_point.h"
#include "runtime/int8/params.h"

namespace octet::int8 {

struct AddSubParams {
  int32_t input1_offset = 0;  // -(zero point of input 1)
  int32_t input2_offset = 0;  // -(zero point of input 2)
  int32_t output_offset = 0;  // +(output zero point)
  int left_shift = 20;        // TFLite's headroom for int8 (15 is int16's)
  QuantizedMultiplier input1_multiplier, input2_multiplier, output_multiplier;
  ActivationRange activation;
};

inline AddSubParams add_sub_offsets(Affine in1, Affine in2, Affine out, Activation activation,
                                    const char* op) {
  check_int8_zero_point(in1, op);
  check_int8_zero_point(in2, op);
  check_int8_zero_point(out, op);
  AddSubParams p;
  p.input1_offset = -in1.zero_point;
  p.input2_offset = -in2.zero_point;
  p.output_offset = out.zero_point;
  p.activation = quantized_activation_range(activation, out);
  return p;
}

// TFLite Micro's CalculateOpDataAdd (and TFLite's add.cc): the ratios in
// double, twice the larger input scale computed exactly in double.
inline AddSubParams prepare_add(Affine in1, Affine in2, Affine out, Activation activation) {
  AddSubParams p = add_sub_offsets(in1, in2, out, activation, "ADD");
  const double twice_max = 2 * static_cast<double>(std::max(in1.scale, in2.scale));
  p.input1_multiplier = quantize_multiplier_smaller_than_one(in1.scale / twice_max, "ADD input 1");
  p.input2_multiplier = quantize_multiplier_smaller_than_one(in2.scale / twice_max, "ADD input 2");
  p.output_multiplier = quantize_multiplier_smaller_than_one(
      twice_max / ((1 << p.left_shift) * static_cast<double>(out.scale)), "ADD output");
  return p;
}

// TFLite Micro's CalculateOpDataSub: the same recipe, but twice the larger
// scale and all three ratios are computed in FLOAT and only then widened to
// double, so the multipliers can differ in their low bits from ADD's. (TFLite
// proper's PrepareGeneralSubOp divides in double, like ADD; we follow Micro.)
inline AddSubParams prepare_sub(Affine in1, Affine in2, Affine out, Activation activation) {
  AddSubParams p = add_sub_offsets(in1, in2, out, activation, "SUB");
  const float twice_max = 2 * std::max(in1.scale, in2.scale);
  p.input1_multiplier =
      quantize_multiplier_smaller_than_one(static_cast<double>(in1.scale / twice_max), "SUB input 1");
  p.input2_multiplier =
      quantize_multiplier_smaller_than_one(static_cast<double>(in2.scale / twice_max), "SUB input 2");
  p.output_multiplier = quantize_multiplier_smaller_than_one(
      static_cast<double>(twice_max / ((1 << p.left_shift) * out.scale)), "SUB output");
  return p;
}

// x_i' of the header comment.
inline int32_t add_sub_rescale(int8_t q, int32_t offset, int left_shift, QuantizedMultiplier m) {
  return multiply_by_quantized_multiplier((int32_t{q} + offset) * (1 << left_shift), m);
}

inline int8_t add_sub_output(int32_t raw, const AddSubParams& p) {
  return clamp_to(p.activation, multiply_by_quantized_multiplier(raw, p.output_multiplier) + p.output_offset);
}

inline int8_t add_value(int8_t a, int8_t b, const AddSubParams& p) {
  return add_sub_output(add_sub_rescale(a, p.input1_offset, p.left_shift, p.input1_multiplier) +
                            add_sub_rescale(b, p.input2_offset, p.left_shift, p.input2_multiplier),
                        p);
}

// TFLite Micro subtracts the rescaled inputs (reference_ops::Sub); TFLite
// proper instead adds with a negated input-2 multiplier, which can round a
// tie of step 2 of the rounding contract differently.
inline int8_t sub_value(int8_t a, int8_t b, const AddSubParams& p) {
  return add_sub_output(add_sub_rescale(a, p.input1_offset, p.left_shift, p.input1_multiplier) -
                            add_sub_rescale(b, p.input2_offset, p.left_shift, p.input2_multiplier),
                        p);
}

inline void add(const AddSubParams& p, const Broadcast4D& shape, const int8_t* a, const int8_t* b, int8_t* y) {
  for_each_broadcast(shape, [&](int64_t i, int64_t j, int64_t o) { y[o] = add_value(a[i], b[j], p); });
}

inline void sub(const AddSubParams& p, const Broadcast4D& shape, const int8_t* a, const int8_t* b, int8_t* y) {
  for_each_broadcast(shape, [&](int64_t i, int64_t j, int64_t o) { y[o] = sub_value(a[i], b[j], p); });
}

}  // namespace octet::int8
