// The output loop that CONV_2D and DEPTHWISE_CONV_2D share: for every output
// element, accumulate in int32, add the bias, rescale by the channel's
// multiplier, add the output zero point and clamp. Only the accumulation
// differs between the two ops; it comes in as `accumulate`.
#pragma once
#include <cstdint>

#include "runtime/int8/fixed_point.h"
#include "runtime/int8/params.h"

namespace octet::int8 {

// Params: a conv params struct with output, window, output_multipliers,
// output_offset and activation. accumulate(b, in_y0, in_x0, oc) returns the
// int32 sum for one output element whose window starts at (in_y0, in_x0).
// `bias` may be null.
template <typename Params, typename Accumulate>
inline void conv_output_loop(const Params& p, const int32_t* bias, int8_t* output, Accumulate accumulate) {
  for (int b = 0; b < p.output.n; ++b) {
    for (int oy = 0; oy < p.output.h; ++oy) {
      const int in_y0 = oy * p.window.stride_h - p.window.pad_top;
      for (int ox = 0; ox < p.output.w; ++ox) {
        const int in_x0 = ox * p.window.stride_w - p.window.pad_left;
        int8_t* out = output + p.output.offset(b, oy, ox, 0);
        for (int oc = 0; oc < p.output.c; ++oc) {
          int32_t acc = accumulate(b, in_y0, in_x0, oc);
          if (bias) acc += bias[oc];
          const int32_t scaled = multiply_by_quantized_multiplier(acc, p.output_multipliers[oc]);
          out[oc] = clamp_to(p.activation, scaled + p.output_offset);
        }
      }
    }
  }
}

}  // namespace octet::int8
