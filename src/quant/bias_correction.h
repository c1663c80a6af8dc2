// Bias correction for weight rounding (Nagel et al., "Data-Free Quantization
// Through Weight Equalization and Bias Correction", 2019, section 4.2, with
// the input means measured during calibration instead of derived from batch
// norm). Rounding weights to int8 moves every output channel's expected value
// by sum_i (Wq - W)[o, i] * E[x_i]: small per weight, but it has the same
// sign over a whole layer's outputs and builds up layer after layer. On
// float-trained MobileNetV1 0.25 it costs 3.5 points of top-1 that the
// activations' int8 steps do not; subtracting it from each bias wins them back.
#pragma once
#include <vector>

#include "graph/graph.h"

namespace octet::quant {

// The input tensors whose channel means bias_correction needs: input 0 of
// every node with float weights and a bias (QuantTraits::weights/bias).
std::vector<int> bias_correction_inputs(const Graph& graph);

// `node`'s float bias minus the expected error its weights make once
// quantized at `weight_scales`, given the mean of each channel (last
// dimension) of its input. Handles the IR's layouts: Conv2D weights
// [O, KH, KW, C/group] (depthwise: [C*M, KH, KW, 1]) and FullyConnected
// [O, K]. Zero padding is left out of the means: the correction is for the
// interior, where nearly all outputs are.
std::vector<float> corrected_bias(const Graph& graph, const Node& node, const std::vector<float>& weight_scales,
                                  const std::vector<double>& input_means);

}  // namespace octet::quant
