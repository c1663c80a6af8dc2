// FULLY_CONNECTED, int8: TFLite's reference_integer_ops::FullyConnected
// (per-tensor weights, which may carry a zero point) and
// FullyConnectedPerChannel (one weight scale per output, zero point 0).
// Input [batches, depth] row-major, weights [outputs, depth], output
// [batches, outputs], bias int32 [outputs] or null.
#pragma once
#include <cstdint>
#include <vector>

#include "runtime/int8/fixed_point.h"
#include "runtime/int8/params.h"

namespace octet::int8 {

struct FullyConnectedParams {
  int batches = 1, depth = 1, outputs = 1;
  int32_t input_offset = 0;   // -(input zero point)
  int32_t filter_offset = 0;  // -(weights zero point); 0 when per-channel
  int32_t output_offset = 0;  // +(output zero point)
  ActivationRange activation;
  // One entry (per-tensor) or one per output (per-channel).
  std::vector<QuantizedMultiplier> output_multipliers;
};

// The two multiplier recipes differ, as in TFLite Micro's
// CalculateOpDataFullyConnected:
//   one weight scale  (GetQuantizedConvolutionMultipler):
//     quantize_multiplier(double(float(input_scale * filter_scale)) / double(output_scale))
//     -- the product is rounded to float first;
//   several scales    (per-channel): per_channel_multipliers(), all in double.
inline FullyConnectedParams prepare_fully_connected(int batches, int depth, int outputs, Affine input_q,
                                                    const std::vector<float>& filter_scales,
                                                    int32_t filter_zero_point, Affine output_q,
                                                    Activation activation) {
  check_int8_zero_point(input_q, "FULLY_CONNECTED input");
  check_int8_zero_point(output_q, "FULLY_CONNECTED output");
  check_int8_zero_point(Affine{1.f, filter_zero_point}, "FULLY_CONNECTED weights");
  if (batches < 1 || depth < 1 || outputs < 1 || filter_scales.empty()) {
    fail(ErrorKind::BadShape, "FULLY_CONNECTED: empty shape or no weight scale");
  }
  FullyConnectedParams p;
  p.batches = batches;
  p.depth = depth;
  p.outputs = outputs;
  p.input_offset = -input_q.zero_point;
  p.output_offset = output_q.zero_point;
  p.activation = quantized_activation_range(activation, output_q);
  if (filter_scales.size() == 1) {
    const float product = input_q.scale * filter_scales[0];
    p.filter_offset = -filter_zero_point;
    p.output_multipliers = {
        quantize_multiplier(static_cast<double>(product) / static_cast<double>(output_q.scale))};
  } else {
    if (filter_zero_point != 0) {
      fail(ErrorKind::Unsupported, "FULLY_CONNECTED: per-channel weights need zero point 0");
    }
    p.output_multipliers = per_channel_multipliers(input_q.scale, filter_scales, output_q.scale, outputs);
  }
  return p;
}

// acc = sum_d (w + filter_offset) * (x + input_offset) + bias, then
// clamp(MBQM(acc) + output_offset). Bound: |w + filter_offset| <= 255 and
// |x + input_offset| <= 255 give terms below 2^16, so depth < 2^15 cannot
// overflow (2^16 with symmetric weights, |w| <= 128, as for conv2d).
inline void fully_connected(const FullyConnectedParams& p, const int8_t* input, const int8_t* filter,
                            const int32_t* bias, int8_t* output) {
  const bool per_channel = p.output_multipliers.size() > 1;
  for (int b = 0; b < p.batches; ++b) {
    const int8_t* x = input + int64_t{b} * p.depth;
    for (int o = 0; o < p.outputs; ++o) {
      const int8_t* w = filter + int64_t{o} * p.depth;
      int32_t acc = 0;
      for (int d = 0; d < p.depth; ++d) {
        acc += (int32_t{w[d]} + p.filter_offset) * (int32_t{x[d]} + p.input_offset);
      }
      if (bias) acc += bias[o];
      const int32_t scaled = multiply_by_quantized_multiplier(acc, p.output_multipliers[per_channel ? o : 0]);
      output[int64_t{b} * p.outputs + o] = clamp_to(p.activation, scaled + p.output_offset);
    }
  }
}

}  // namespace octet::int8
