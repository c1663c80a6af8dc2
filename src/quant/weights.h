// Constants made int8: symmetric weights, int32 biases, and asymmetric
// constants in activation slots. Scales come from calib/quant_params.h; this
// file turns float values into the integers TFLite stores.
//
// Rounding: q = round(x / scale), half away from zero, the division in
// float, then clamped (weights to [-127, 127], activations to [-128, 127],
// biases to int32). NaN quantizes to the zero point.
#pragma once
#include <cstdint>
#include <vector>

#include "graph/tensor.h"

namespace octet::quant {

// Symmetric int8 scales for float `weights`: one per index of axis 0 when
// `per_channel`, else one. Or-s calib::QuantWarning bits into `warnings`.
std::vector<float> weight_scales(const Tensor& weights, bool per_channel, uint32_t* warnings);

// Raises weight scales where the bias (float, one value per output channel)
// would not fit int32 at input_scale * scale; or-s kWeightScaleRaisedForBias.
void fit_bias(const Tensor& bias, float input_scale, std::vector<float>& scales, uint32_t* warnings);

// The int8 weights at `scales` (one, or one per index of axis 0).
Tensor quantize_weights(const Tensor& weights, const std::vector<float>& scales);

// The int32 bias at input_scale * scales[c] (per channel when there are
// several scales), zero point 0.
Tensor quantize_bias(const Tensor& bias, float input_scale, const std::vector<float>& scales);

// A float constant read as an activation, int8 with per-tensor `params`.
Tensor quantize_constant(const Tensor& values, const QuantParams& params);

}  // namespace octet::quant
