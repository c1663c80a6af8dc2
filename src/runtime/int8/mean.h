// MEAN over H and W of an NHWC int8 tensor (keep_dims or not: the output
// [N, C] and [N, 1, 1, C] share one layout), as TFLite MICRO computes it.
//
// Which path: TFLite Micro's EvalIntegerMean (reduce_common.cc) uses
// neither TFLite's integer reference_integer_ops::Mean nor the optimized
// multiplier path of the TFLite interpreter. It has two branches:
//   * input and output scale and zero point equal: reference_ops::Mean,
//       y = (int8)(sum of raw codes / n), C's division TRUNCATING toward 0;
//   * otherwise: reference_ops::QuantizedMeanOrSum, in float,
//       scale = s_in / s_out,  bias = -zp_in * scale          (float, once)
//       y = clamp(round(float(sum) / float(n) * scale + bias) + zp_out)
//     with round half away from zero, the clamp done in float.
// The float branch is float math per output element, unlike every other
// kernel here; that is what Micro runs. (Micro's multiplier/shift for MEAN
// is computed but unused.) The TFLite interpreter differs: its reference
// kernel rescales with MBQM and rounds the division, its default optimized
// kernel uses yet another integer recipe; neither is matched.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "runtime/int8/params.h"

namespace octet::int8 {

struct MeanParams {
  Nhwc input;
  bool same_quantization = true;  // selects Micro's integer branch
  float scale = 1.f;              // s_in / s_out (float branch)
  float bias = 0.f;               // -zp_in * scale (float branch)
  int32_t output_zero_point = 0;
};

inline MeanParams prepare_mean_hw(const Nhwc& input, Affine input_q, Affine output_q) {
  check_int8_zero_point(input_q, "MEAN input");
  check_int8_zero_point(output_q, "MEAN output");
  if (input.size() == 0) fail(ErrorKind::BadShape, "MEAN: empty input");
  MeanParams p;
  p.input = input;
  p.same_quantization = same_quantization(input_q, output_q);
  p.scale = input_q.scale / output_q.scale;
  p.bias = static_cast<float>(-input_q.zero_point) * p.scale;
  p.output_zero_point = output_q.zero_point;
  return p;
}

// Micro's float branch for one output: mean * scale and + bias are two float
// roundings, as on a target without fused multiply-add. The product is formed
// in double (exact for two floats) and rounded to float explicitly, so no
// compiler flag can fuse it with the add; a TFLite Micro build that does fuse
// them (GCC for an FPU Cortex-M may) can land a tie on the other side.
inline int8_t mean_rescale(int32_t sum, int32_t count, const MeanParams& p) {
  const float mean = static_cast<float>(sum) / static_cast<float>(count);
  const float product = static_cast<float>(static_cast<double>(mean) * static_cast<double>(p.scale));
  const float rounded = std::round(product + p.bias) + static_cast<float>(p.output_zero_point);
  return static_cast<int8_t>(std::max(std::min(rounded, 127.f), -128.f));
}

// y[b, c] for b < N, c < C. |sum| <= 128 * H * W: no overflow below 2^24
// points.
inline void mean_hw(const MeanParams& p, const int8_t* input, int8_t* output) {
  const int32_t count = p.input.h * p.input.w;
  for (int b = 0; b < p.input.n; ++b) {
    for (int c = 0; c < p.input.c; ++c) {
      int32_t sum = 0;
      for (int y = 0; y < p.input.h; ++y)
        for (int x = 0; x < p.input.w; ++x) sum += input[p.input.offset(b, y, x, c)];
      output[int64_t{b} * p.input.c + c] =
          p.same_quantization ? static_cast<int8_t>(sum / count) : mean_rescale(sum, count, p);
    }
  }
}

}  // namespace octet::int8
