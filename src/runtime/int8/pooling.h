// AVERAGE_POOL_2D and MAX_POOL_2D, int8: TFLite's
// reference_integer_ops::AveragePool / MaxPool. Both work on raw int8 codes
// (input and output share scale and zero point, which TFLite requires), and
// both see only the window points inside the input: padding is never counted.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "runtime/int8/params.h"

namespace octet::int8 {

struct PoolParams {
  Nhwc input, output;
  Window2D window;  // dilation is always 1
  ActivationRange activation;
};

// The window [origin, origin + filter) clipped to [0, extent).
struct ClippedRange {
  int begin, end;
};
inline ClippedRange clip_window(int origin, int filter, int extent) {
  return {std::max(0, -origin), std::min(filter, extent - origin)};
}

// TFLite's pooling Prepare: the activation clamp from the output
// quantization; input and output scales within 1e-6 and equal zero points.
inline PoolParams prepare_pool(const Nhwc& input, const Nhwc& output, const Window2D& window, Affine input_q,
                               Affine output_q, Activation activation, const char* op) {
  check_window(window, op);
  check_int8_zero_point(output_q, op);
  if (window.dilation_h != 1 || window.dilation_w != 1) fail(ErrorKind::Unsupported, std::string(op) + ": dilation");
  if (input.n != output.n || input.c != output.c) fail(ErrorKind::BadShape, std::string(op) + ": N or C differ");
  if (std::abs(input_q.scale - output_q.scale) > 1e-6f || input_q.zero_point != output_q.zero_point) {
    fail(ErrorKind::Unsupported, std::string(op) + ": input and output quantization differ");
  }
  return {input, output, window, quantized_activation_range(activation, output_q)};
}

// AVERAGE_POOL_2D additionally needs every window to hold an input point
// (TFLite's AveragePool fails at run time on an empty one).
inline PoolParams prepare_average_pool(const Nhwc& input, const Nhwc& output, const Window2D& window,
                                       Affine input_q, Affine output_q, Activation activation) {
  const PoolParams p = prepare_pool(input, output, window, input_q, output_q, activation, "AVERAGE_POOL_2D");
  for (int oy = 0; oy < output.h; ++oy) {
    const ClippedRange r = clip_window(oy * window.stride_h - window.pad_top, window.filter_h, input.h);
    if (r.begin >= r.end) fail(ErrorKind::BadShape, "AVERAGE_POOL_2D: a window row lies in the padding");
  }
  for (int ox = 0; ox < output.w; ++ox) {
    const ClippedRange r = clip_window(ox * window.stride_w - window.pad_left, window.filter_w, input.w);
    if (r.begin >= r.end) fail(ErrorKind::BadShape, "AVERAGE_POOL_2D: a window column lies in the padding");
  }
  return p;
}

inline PoolParams prepare_max_pool(const Nhwc& input, const Nhwc& output, const Window2D& window,
                                   Affine input_q, Affine output_q, Activation activation) {
  return prepare_pool(input, output, window, input_q, output_q, activation, "MAX_POOL_2D");
}

// Calls f(value) for each input point of the window at output (b, oy, ox, c).
template <typename F>
void for_each_in_window(const PoolParams& p, const int8_t* input, int b, int oy, int ox, int c, F&& f) {
  const int y0 = oy * p.window.stride_h - p.window.pad_top;
  const int x0 = ox * p.window.stride_w - p.window.pad_left;
  const ClippedRange ry = clip_window(y0, p.window.filter_h, p.input.h);
  const ClippedRange rx = clip_window(x0, p.window.filter_w, p.input.w);
  for (int fy = ry.begin; fy < ry.end; ++fy) {
    for (int fx = rx.begin; fx < rx.end; ++fx) f(input[p.input.offset(b, y0 + fy, x0 + fx, c)]);
  }
}

// Calls f(b, oy, ox, c) for every output position, row-major.
template <typename F>
void for_each_output(const Nhwc& out, F&& f) {
  for (int b = 0; b < out.n; ++b)
    for (int oy = 0; oy < out.h; ++oy)
      for (int ox = 0; ox < out.w; ++ox)
        for (int c = 0; c < out.c; ++c) f(b, oy, ox, c);
}

// Mean of the raw codes over the in-input window points, rounded half away
// from zero: (sum + n/2) / n for sum > 0, (sum - n/2) / n otherwise, with C's
// truncating division (exact halves only occur for even n). |sum| <= 128 * n,
// no overflow below 2^24 window points.
inline void average_pool(const PoolParams& p, const int8_t* input, int8_t* output) {
  int64_t o = 0;
  for_each_output(p.output, [&](int b, int oy, int ox, int c) {
    int32_t sum = 0, count = 0;
    for_each_in_window(p, input, b, oy, ox, c, [&](int8_t v) {
      sum += v;
      ++count;
    });
    const int32_t mean = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
    output[o++] = clamp_to(p.activation, mean);
  });
}

// Largest raw code over the in-input window points (-128 for an empty
// window), then the activation clamp.
inline void max_pool(const PoolParams& p, const int8_t* input, int8_t* output) {
  int64_t o = 0;
  for_each_output(p.output, [&](int b, int oy, int ox, int c) {
    int8_t largest = -128;
    for_each_in_window(p, input, b, oy, ox, c, [&](int8_t v) { largest = std::max(largest, v); });
    output[o++] = clamp_to(p.activation, largest);
  });
}

}  // namespace octet::int8
