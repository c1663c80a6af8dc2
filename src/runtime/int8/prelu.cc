#include "runtime/int8/prelu.h"

#include <algorithm>

namespace octet::int8 {
namespace {

int32_t prelu_value(const PreluParams& p, int8_t x, int8_t a) {
  const int32_t v = x - p.input_zero_point;
  const int32_t scaled =
      v >= 0 ? multiply_by_quantized_multiplier(v, p.identity)
             : multiply_by_quantized_multiplier(v * (a - p.alpha_zero_point), p.alpha);
  return std::clamp<int32_t>(scaled + p.output_zero_point, -128, 127);
}

}  // namespace

PreluParams prepare_prelu(Affine input, Affine alpha, Affine output) {
  PreluParams p;
  p.input_zero_point = input.zero_point;
  p.alpha_zero_point = alpha.zero_point;
  p.output_zero_point = output.zero_point;
  const double s_in = input.scale, s_alpha = alpha.scale, s_out = output.scale;
  p.identity = quantize_multiplier(s_in / s_out);
  p.alpha = quantize_multiplier(s_in * s_alpha / s_out);
  return p;
}

void prelu(const PreluParams& params, const Broadcast4D& layout, const int8_t* in,
           const int8_t* alpha, int8_t* out) {
  for_each_broadcast(layout, [&](int64_t in_at, int64_t alpha_at, int64_t out_at) {
    out[out_at] = static_cast<int8_t>(prelu_value(params, in[in_at], alpha[alpha_at]));
  });
}

}  // namespace octet::int8
