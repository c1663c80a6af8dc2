// CONV_2D, int8 activations with per-channel int8 weights and int32 bias:
// TFLite's reference_integer_ops::ConvPerChannel (which TFLite Micro runs for
// every int8 convolution, per-tensor weights being one broadcast scale).
// Input NHWC, filter OHWI [out_c, filter_h, filter_w, in_c / groups].
#pragma once
#include <cstdint>
#include <vector>

#include "runtime/int8/conv_output_loop.h"
#include "runtime/int8/fixed_point.h"
#include "runtime/int8/params.h"

namespace octet::int8 {

struct Conv2DParams {
  Nhwc input, output;
  Window2D window;
  int groups = 1;
  int32_t input_offset = 0;   // -(input zero point)
  int32_t output_offset = 0;  // +(output zero point)
  ActivationRange activation;
  std::vector<QuantizedMultiplier> output_multipliers;  // one per output channel
};

// Weights must be symmetric (zero point 0), as TFLite requires for int8
// convolution; only their scales are taken. One scale, or one per output
// channel.
inline Conv2DParams prepare_conv2d(const Nhwc& input, const Nhwc& output, const Window2D& window,
                                   int groups, Affine input_q, const std::vector<float>& filter_scales,
                                   Affine output_q, Activation activation) {
  check_window(window, "CONV_2D");
  check_int8_zero_point(input_q, "CONV_2D input");
  check_int8_zero_point(output_q, "CONV_2D output");
  if (groups < 1 || input.c % groups != 0 || output.c % groups != 0 || input.n != output.n) {
    fail(ErrorKind::BadShape, "CONV_2D: channels do not split into the groups");
  }
  Conv2DParams p;
  p.input = input;
  p.output = output;
  p.window = window;
  p.groups = groups;
  p.input_offset = -input_q.zero_point;
  p.output_offset = output_q.zero_point;
  p.activation = quantized_activation_range(activation, output_q);
  p.output_multipliers = per_channel_multipliers(input_q.scale, filter_scales, output_q.scale, output.c);
  return p;
}

// One output value's accumulator: sum over the window of
// filter * (input + input_offset), points outside the input skipped (they
// stand for the input zero point, i.e. real 0).
// Bound: |filter| <= 128 and |input + input_offset| <= 255, so one product is
// at most 32640 < 2^15; with filter_h * filter_w * (in_c / groups) <= 2^16
// terms (TFLite's documented limit) |sum| <= 2^16 * 32640 = 2^31 - 2^23,
// leaving room for a bias of magnitude below 2^23 before int32 overflows.
inline int32_t conv2d_accumulate(const Conv2DParams& p, const int8_t* input, const int8_t* filter,
                                 int batch, int in_y0, int in_x0, int out_c) {
  const Window2D& w = p.window;
  const int depth = p.input.c / p.groups;
  const int first_in_c = (out_c / (p.output.c / p.groups)) * depth;
  int32_t acc = 0;
  for (int fy = 0; fy < w.filter_h; ++fy) {
    const int in_y = in_y0 + w.dilation_h * fy;
    if (in_y < 0 || in_y >= p.input.h) continue;
    for (int fx = 0; fx < w.filter_w; ++fx) {
      const int in_x = in_x0 + w.dilation_w * fx;
      if (in_x < 0 || in_x >= p.input.w) continue;
      const int8_t* in = input + p.input.offset(batch, in_y, in_x, first_in_c);
      const int8_t* f = filter + ((int64_t{out_c} * w.filter_h + fy) * w.filter_w + fx) * depth;
      for (int c = 0; c < depth; ++c) acc += int32_t{f[c]} * (int32_t{in[c]} + p.input_offset);
    }
  }
  return acc;
}

// output = clamp(MBQM(acc + bias, multiplier[c]) + output_offset). `bias` may
// be null (no bias).
inline void conv2d(const Conv2DParams& p, const int8_t* input, const int8_t* filter, const int32_t* bias,
                   int8_t* output) {
  conv_output_loop(p, bias, output, [&](int b, int in_y0, int in_x0, int oc) {
    return conv2d_accumulate(p, input, filter, b, in_y0, in_x0, oc);
  });
}

}  // namespace octet::int8
