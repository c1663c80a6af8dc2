// What the int8 kernels' "prepare" functions share: a tensor's affine
// quantization, the fused-activation clamp in the quantized domain, the
// per-channel multipliers of convolutions, and the NHWC / window geometry.
// All float math here runs once per op, never per element.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "ops/op_util.h"
#include "runtime/int8/fixed_point.h"

namespace octet::int8 {

// Per-tensor affine quantization: real = scale * (q - zero_point).
struct Affine {
  float scale = 1.f;
  int32_t zero_point = 0;
};

inline bool same_quantization(Affine a, Affine b) {
  return a.scale == b.scale && a.zero_point == b.zero_point;
}

// TFLite's int8 kernels take zero points in [-128, 127] (TF_LITE_ENSURE in
// their Prepare); anything else is a malformed model.
inline void check_int8_zero_point(Affine a, const char* what) {
  if (a.zero_point < -128 || a.zero_point > 127) {
    fail(ErrorKind::Unsupported,
         std::string(what) + ": zero point " + std::to_string(a.zero_point) + " is outside int8");
  }
}

// The int8 clamp [min, max] applied after the output zero point is added.
struct ActivationRange {
  int32_t min = std::numeric_limits<int8_t>::min();
  int32_t max = std::numeric_limits<int8_t>::max();
};

inline int8_t clamp_to(ActivationRange range, int32_t value) {
  return static_cast<int8_t>(std::min(range.max, std::max(range.min, value)));
}

// TFLite's CalculateActivationRangeQuantized for an int8 output: a bound f is
// quantized as zero_point + (int32)round(f / scale), the division in float and
// the rounding half away from zero (TfLiteRound), then intersected with
// [-128, 127]. relu: [q(0), 127]; relu6: [q(0), q(6)]; relu_n1_to_1:
// [q(-1), q(1)]; none: [-128, 127]. Error(Unsupported) when round(f / scale)
// does not fit int32, where TFLite fails too.
inline int32_t quantize_activation_bound(float f, Affine output) {
  const float rounded = std::round(f / output.scale);
  if (!(rounded >= -2147483648.f && rounded < 2147483648.f)) {
    fail(ErrorKind::Unsupported, "activation bound overflows int32 at scale " +
                                     std::to_string(output.scale));
  }
  return output.zero_point + static_cast<int32_t>(rounded);
}

inline ActivationRange quantized_activation_range(Activation activation, Affine output) {
  ActivationRange range;
  switch (activation) {
    case Activation::None:
      break;
    case Activation::Relu:
      range.min = std::max(range.min, quantize_activation_bound(0.f, output));
      break;
    case Activation::Relu6:
      range.min = std::max(range.min, quantize_activation_bound(0.f, output));
      range.max = std::min(range.max, quantize_activation_bound(6.f, output));
      break;
    case Activation::ReluN1To1:
      range.min = std::max(range.min, quantize_activation_bound(-1.f, output));
      range.max = std::min(range.max, quantize_activation_bound(1.f, output));
      break;
  }
  return range;
}

// TFLite's PopulateConvolutionQuantizationParams (conv, depthwise conv,
// per-channel fully connected): channel c gets
//   quantize_multiplier(double(input_scale) * double(filter_scale[c]) / double(output_scale))
// in double throughout. One filter scale is broadcast to all channels.
inline std::vector<QuantizedMultiplier> per_channel_multipliers(float input_scale,
                                                                const std::vector<float>& filter_scales,
                                                                float output_scale, int channels) {
  if (filter_scales.size() != 1 && filter_scales.size() != static_cast<size_t>(channels)) {
    fail(ErrorKind::BadShape, std::to_string(filter_scales.size()) + " filter scales for " +
                                  std::to_string(channels) + " output channels");
  }
  std::vector<QuantizedMultiplier> multipliers(channels);
  for (int c = 0; c < channels; ++c) {
    const double filter_scale = filter_scales[filter_scales.size() == 1 ? 0 : c];
    multipliers[c] = quantize_multiplier(static_cast<double>(input_scale) * filter_scale /
                                         static_cast<double>(output_scale));
  }
  return multipliers;
}

// An NHWC activation tensor's extents.
struct Nhwc {
  int n = 1, h = 1, w = 1, c = 1;
  int64_t size() const { return int64_t{n} * h * w * c; }
  int64_t offset(int b, int y, int x, int ch) const { return ((int64_t{b} * h + y) * w + x) * c + ch; }
};

// A sliding 2-D window (convolution filter or pooling window). Padding is
// explicit: pad_top / pad_left shift the window origin; bottom / right
// padding is implied by the output extent, as in TFLite.
struct Window2D {
  int filter_h = 1, filter_w = 1;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  int pad_top = 0, pad_left = 0;
};

inline void check_window(const Window2D& w, const char* what) {
  if (w.filter_h < 1 || w.filter_w < 1 || w.stride_h < 1 || w.stride_w < 1 || w.dilation_h < 1 ||
      w.dilation_w < 1 || w.pad_top < 0 || w.pad_left < 0) {
    fail(ErrorKind::BadShape, std::string(what) + ": invalid window geometry");
  }
}

}  // namespace octet::int8
