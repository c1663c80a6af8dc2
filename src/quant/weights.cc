#include "quant/weights.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "calib/quant_params.h"
#include "graph/error.h"

namespace octet::quant {
namespace {

// Largest bias magnitude stored: int32's range, as TFLite's kernels add the
// bias to an int32 accumulator.
constexpr double kBiasLimit = 2147483647.0;

template <typename Q>
Q quantize_value(float x, float scale, int64_t zero_point, double lo, double hi) {
  const float rounded = std::round(x / scale);
  if (std::isnan(rounded)) return static_cast<Q>(zero_point);
  return static_cast<Q>(std::clamp(static_cast<double>(rounded) + static_cast<double>(zero_point), lo, hi));
}

// Values per index of axis 0 (the output channel of OHWI and [O,K] weights).
int64_t channel_size(const Tensor& t) { return t.shape.empty() || t.shape[0] == 0 ? 1 : t.element_count() / t.shape[0]; }

void check_scales(const Tensor& t, const std::vector<float>& scales) {
  if (scales.size() != 1 && (t.shape.empty() || static_cast<int64_t>(scales.size()) != t.shape[0]))
    fail(ErrorKind::Internal, std::to_string(scales.size()) + " scales for '" + t.name + "' " + shape_string(t.shape));
}

QuantParams symmetric_params(const std::vector<float>& scales) {
  return {scales, std::vector<int64_t>(scales.size(), 0), scales.size() > 1 ? 0 : -1};
}

}  // namespace

std::vector<float> weight_scales(const Tensor& weights, bool per_channel, uint32_t* warnings) {
  const std::vector<float> values = constant_floats(weights);
  const calib::WeightScales chosen =
      per_channel && !weights.shape.empty()
          ? calib::choose_weight_scales_per_channel(values.data(), weights.shape, 0)
          : calib::choose_weight_scale_per_tensor(values.data(), static_cast<int64_t>(values.size()));
  *warnings |= chosen.warnings;
  return chosen.scales;
}

void fit_bias(const Tensor& bias, float input_scale, std::vector<float>& scales, uint32_t* warnings) {
  const std::vector<float> values = constant_floats(bias);
  for (size_t c = 0; c < values.size(); ++c) {
    if (!std::isfinite(values[c])) continue;
    float& scale = scales[scales.size() == 1 ? 0 : c];
    const double needed = std::fabs(static_cast<double>(values[c])) / kBiasLimit / input_scale;
    if (static_cast<double>(scale) >= needed) continue;
    scale = static_cast<float>(needed);
    while (std::fabs(values[c] / (input_scale * scale)) > kBiasLimit) scale = std::nextafter(scale, INFINITY);
    *warnings |= calib::kWeightScaleRaisedForBias;
  }
}

Tensor quantize_weights(const Tensor& weights, const std::vector<float>& scales) {
  check_scales(weights, scales);
  const std::vector<float> values = constant_floats(weights);
  const int64_t run = channel_size(weights);
  std::vector<int8_t> q(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const float scale = scales[scales.size() == 1 ? 0 : i / run];
    q[i] = quantize_value<int8_t>(values[i], scale, 0, -calib::kWeightQMax, calib::kWeightQMax);
  }
  Tensor t = make_constant(weights.name, weights.shape, q);
  t.quant = symmetric_params(scales);
  return t;
}

Tensor quantize_bias(const Tensor& bias, float input_scale, const std::vector<float>& scales) {
  check_scales(bias, scales);
  const std::vector<float> values = constant_floats(bias);
  std::vector<float> bias_scales;
  for (float s : scales) bias_scales.push_back(input_scale * s);
  std::vector<int32_t> q(values.size());
  for (size_t i = 0; i < values.size(); ++i)
    q[i] = quantize_value<int32_t>(values[i], bias_scales[bias_scales.size() == 1 ? 0 : i], 0, -kBiasLimit,
                                   kBiasLimit);
  Tensor t = make_constant(bias.name, bias.shape, q);
  t.quant = symmetric_params(bias_scales);
  return t;
}

Tensor quantize_constant(const Tensor& values, const QuantParams& params) {
  const std::vector<float> real = constant_floats(values);
  std::vector<int8_t> q(real.size());
  for (size_t i = 0; i < real.size(); ++i)
    q[i] = quantize_value<int8_t>(real[i], params.scales[0], params.zero_points[0], calib::kActivationQMin,
                                  calib::kActivationQMax);
  Tensor t = make_constant(values.name, values.shape, q);
  t.quant = params;
  return t;
}

}  // namespace octet::quant
