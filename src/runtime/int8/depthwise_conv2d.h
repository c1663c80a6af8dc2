// DEPTHWISE_CONV_2D, int8 with per-channel weights: TFLite's
// reference_integer_ops::DepthwiseConvPerChannel. Input NHWC, filter in
// TFLite's layout [1, filter_h, filter_w, in_c * depth_multiplier]; output
// channel in_c * depth_multiplier + m reads input channel in_c only.
// (The IR's grouped-Conv2D form, W [C*M, KH, KW, 1] with group = C, computes
// the same integers through conv2d.h; this kernel takes TFLite's layout.)
#pragma once
#include <cstdint>
#include <vector>

#include "runtime/int8/conv_output_loop.h"
#include "runtime/int8/fixed_point.h"
#include "runtime/int8/params.h"

namespace octet::int8 {

struct DepthwiseConv2DParams {
  Nhwc input, output;
  Window2D window;
  int depth_multiplier = 1;
  int32_t input_offset = 0;   // -(input zero point)
  int32_t output_offset = 0;  // +(output zero point)
  ActivationRange activation;
  std::vector<QuantizedMultiplier> output_multipliers;  // one per output channel
};

// Symmetric weights (zero point 0), one scale or one per output channel.
inline DepthwiseConv2DParams prepare_depthwise_conv2d(const Nhwc& input, const Nhwc& output,
                                                      const Window2D& window, Affine input_q,
                                                      const std::vector<float>& filter_scales,
                                                      Affine output_q, Activation activation) {
  check_window(window, "DEPTHWISE_CONV_2D");
  check_int8_zero_point(input_q, "DEPTHWISE_CONV_2D input");
  check_int8_zero_point(output_q, "DEPTHWISE_CONV_2D output");
  if (output.c % input.c != 0 || input.n != output.n) {
    fail(ErrorKind::BadShape, "DEPTHWISE_CONV_2D: output channels are not a multiple of input channels");
  }
  DepthwiseConv2DParams p;
  p.input = input;
  p.output = output;
  p.window = window;
  p.depth_multiplier = output.c / input.c;
  p.input_offset = -input_q.zero_point;
  p.output_offset = output_q.zero_point;
  p.activation = quantized_activation_range(activation, output_q);
  p.output_multipliers = per_channel_multipliers(input_q.scale, filter_scales, output_q.scale, output.c);
  return p;
}

// Sum over the window of filter * (input + input_offset) for one output
// channel; outside points are skipped. At most filter_h * filter_w terms of
// magnitude <= 128 * 255 = 32640, so no overflow below 2^16 window points.
inline int32_t depthwise_accumulate(const DepthwiseConv2DParams& p, const int8_t* input,
                                    const int8_t* filter, int batch, int in_y0, int in_x0, int out_c) {
  const Window2D& w = p.window;
  const int in_c = out_c / p.depth_multiplier;
  int32_t acc = 0;
  for (int fy = 0; fy < w.filter_h; ++fy) {
    const int in_y = in_y0 + w.dilation_h * fy;
    if (in_y < 0 || in_y >= p.input.h) continue;
    for (int fx = 0; fx < w.filter_w; ++fx) {
      const int in_x = in_x0 + w.dilation_w * fx;
      if (in_x < 0 || in_x >= p.input.w) continue;
      const int32_t in = input[p.input.offset(batch, in_y, in_x, in_c)];
      const int32_t f = filter[(int64_t{fy} * w.filter_w + fx) * p.output.c + out_c];
      acc += f * (in + p.input_offset);
    }
  }
  return acc;
}

// output = clamp(MBQM(acc + bias, multiplier[c]) + output_offset); `bias`
// may be null.
inline void depthwise_conv2d(const DepthwiseConv2DParams& p, const int8_t* input, const int8_t* filter,
                             const int32_t* bias, int8_t* output) {
  conv_output_loop(p, bias, output, [&](int b, int in_y0, int in_x0, int oc) {
    return depthwise_accumulate(p, input, filter, b, in_y0, in_x0, oc);
  });
}

}  // namespace octet::int8
