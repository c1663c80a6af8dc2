#include "runtime/int8/pooling_fast.h"

#include <algorithm>

#include "runtime/int8/vector_blocks.h"

namespace octet::int8 {

void max_pool_fast(const PoolParams& p, const int8_t* input, int8_t* output) {
  const int channels = p.input.c;
  const ActivationRange range = p.activation;
  const auto larger = [](int8_t a, int8_t b) { return std::max(a, b); };
  const auto clamped = [range](int8_t v) { return clamp_to(range, v); };
  for (int b = 0; b < p.output.n; ++b) {
    for (int oy = 0; oy < p.output.h; ++oy) {
      const int y0 = oy * p.window.stride_h - p.window.pad_top;
      const ClippedRange ry = clip_window(y0, p.window.filter_h, p.input.h);
      for (int ox = 0; ox < p.output.w; ++ox) {
        const int x0 = ox * p.window.stride_w - p.window.pad_left;
        const ClippedRange rx = clip_window(x0, p.window.filter_w, p.input.w);
        int8_t* out = output + p.output.offset(b, oy, ox, 0);
        std::fill_n(out, channels, int8_t{-128});  // an empty window's value
        for (int fy = ry.begin; fy < ry.end; ++fy)
          for (int fx = rx.begin; fx < rx.end; ++fx)
            combine_blocked(input + p.input.offset(b, y0 + fy, x0 + fx, 0), channels, out, larger);
        update_blocked(out, channels, clamped);
      }
    }
  }
}

}  // namespace octet::int8
