#include "runtime/int8/leaky_relu.h"

#include <algorithm>

namespace octet::int8 {

LeakyReluParams prepare_leaky_relu(Affine input, Affine output, float alpha) {
  LeakyReluParams p;
  p.input_zero_point = input.zero_point;
  p.output_zero_point = output.zero_point;
  // float arithmetic, as TFLite: it decides the last bit of the multipliers.
  const float identity = input.scale / output.scale;
  const float alpha_ratio = input.scale * alpha / output.scale;
  p.identity = quantize_multiplier(identity);
  p.alpha = quantize_multiplier(alpha_ratio);
  return p;
}

void leaky_relu(const LeakyReluParams& p, const int8_t* in, int8_t* out, int64_t count) {
  for (int64_t i = 0; i < count; ++i) {
    const int32_t v = in[i] - p.input_zero_point;
    const int32_t scaled = multiply_by_quantized_multiplier(v, v >= 0 ? p.identity : p.alpha);
    out[i] = static_cast<int8_t>(std::clamp<int32_t>(p.output_zero_point + scaled, -128, 127));
  }
}

}  // namespace octet::int8
