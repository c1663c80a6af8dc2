// QUANTIZE (float -> int8 and int8 -> int8) and DEQUANTIZE, as TFLite's
// reference AffineQuantize, Dequantize and Requantize compute them (TFLite
// Micro's quantize_common.cc / dequantize_common.cc drive the same functions).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "runtime/int8/fixed_point.h"
#include "runtime/int8/params.h"

namespace octet::int8 {

// ---- float -> int8 ---------------------------------------------------------

// AffineQuantize: q = clamp(round(x / scale) + zero_point, -128, 127) where
// x / scale is a float division and round is std::round (half away from
// zero) on that float. The sum and clamp are done in double, as current
// TFLite does, so huge |x| saturates instead of overflowing int32. NaN has
// no defined TFLite result (a NaN-to-int cast); we return the zero point.
inline int8_t quantize_value(float x, Affine out) {
  const float rounded = std::round(x / out.scale);
  if (std::isnan(rounded)) return static_cast<int8_t>(out.zero_point);
  const double unclamped = static_cast<double>(rounded) + static_cast<double>(out.zero_point);
  return static_cast<int8_t>(std::min(std::max(unclamped, -128.0), 127.0));
}

inline void quantize(const float* x, int64_t count, Affine out, int8_t* y) {
  for (int64_t i = 0; i < count; ++i) y[i] = quantize_value(x[i], out);
}

// ---- int8 -> float ---------------------------------------------------------

// Dequantize: x = scale * float(q - zero_point), one float multiply, so the
// result is exactly what TFLite's reference kernel stores (no rounding step
// beyond that multiply).
inline float dequantize_value(int8_t q, Affine in) {
  return in.scale * static_cast<float>(int32_t{q} - in.zero_point);
}

inline void dequantize(const int8_t* q, int64_t count, Affine in, float* x) {
  for (int64_t i = 0; i < count; ++i) x[i] = dequantize_value(q[i], in);
}

// ---- int8 -> int8 ----------------------------------------------------------

struct RequantizeParams {
  QuantizedMultiplier multiplier;  // input scale / output scale
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
};

// TFLite Micro's PrepareQuantizeReference for an int8 input:
// quantize_multiplier(double(input scale) / double(output scale)).
inline RequantizeParams prepare_requantize(Affine in, Affine out) {
  check_int8_zero_point(in, "QUANTIZE input");
  check_int8_zero_point(out, "QUANTIZE output");
  return {quantize_multiplier(static_cast<double>(in.scale) / static_cast<double>(out.scale)),
          in.zero_point, out.zero_point};
}

// Requantize: q_out = clamp(MBQM(q_in - zp_in) + zp_out, -128, 127).
// |q_in - zp_in| <= 255, so step 1 of the rounding contract cannot overflow
// for any shift up to 22.
inline int8_t requantize_value(int8_t q, const RequantizeParams& p) {
  const int32_t scaled = multiply_by_quantized_multiplier(int32_t{q} - p.input_zero_point, p.multiplier);
  return clamp_to(ActivationRange{}, scaled + p.output_zero_point);
}

inline void requantize(const int8_t* x, int64_t count, const RequantizeParams& p, int8_t* y) {
  for (int64_t i = 0; i < count; ++i) y[i] = requantize_value(x[i], p);
}

}  // namespace octet::int8
