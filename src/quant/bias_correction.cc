#include "quant/bias_correction.h"

#include <algorithm>

#include "graph/error.h"
#include "ops/op_def.h"
#include "quant/weights.h"

namespace octet::quant {
namespace {

bool has_float_weights_and_bias(const Graph& graph, const Node& node) {
  const QuantTraits& traits = op_def(node.op).quant;
  if (traits.weights < 0 || traits.bias < 0 || !node.has_input(traits.weights) || !node.has_input(traits.bias))
    return false;
  const Tensor& weights = graph.tensor(node.inputs[traits.weights]);
  const Tensor& bias = graph.tensor(node.inputs[traits.bias]);
  return weights.is_constant() && weights.dtype == DType::Float32 && bias.is_constant() &&
         bias.dtype == DType::Float32 && graph.tensor(node.inputs[0]).dtype == DType::Float32 &&
         !graph.tensor(node.inputs[0]).is_constant();
}

}  // namespace

std::vector<int> bias_correction_inputs(const Graph& graph) {
  std::vector<int> inputs;
  for (const Node& node : graph.nodes)
    if (has_float_weights_and_bias(graph, node) &&
        std::find(inputs.begin(), inputs.end(), node.inputs[0]) == inputs.end())
      inputs.push_back(node.inputs[0]);
  return inputs;
}

std::vector<float> corrected_bias(const Graph& graph, const Node& node, const std::vector<float>& weight_scales,
                                  const std::vector<double>& input_means) {
  const QuantTraits& traits = op_def(node.op).quant;
  const Tensor& weights = graph.tensor(node.inputs.at(traits.weights));
  const std::vector<float> bias = constant_floats(graph.tensor(node.inputs.at(traits.bias)));
  const std::vector<float> exact = constant_floats(weights);
  const Tensor rounded = quantize_weights(weights, weight_scales);
  const int8_t* q = reinterpret_cast<const int8_t*>(rounded.data->data());

  const int64_t outputs = weights.shape.at(0);
  const int64_t per_output = static_cast<int64_t>(exact.size()) / outputs;
  const int64_t channels_per_group = weights.shape.back();  // C/group, or K for FullyConnected
  const int64_t groups = static_cast<int64_t>(input_means.size()) / channels_per_group;
  if (groups < 1 || groups * channels_per_group != static_cast<int64_t>(input_means.size()) ||
      outputs % groups != 0 || static_cast<int64_t>(bias.size()) != outputs)
    fail(ErrorKind::Internal, "bias correction of '" + node.name + "': " + std::to_string(input_means.size()) +
                                  " input channel means do not fit weights " + shape_string(weights.shape));
  const int64_t outputs_per_group = outputs / groups;

  std::vector<float> corrected(bias.size());
  for (int64_t o = 0; o < outputs; ++o) {
    const float scale = weight_scales[weight_scales.size() == 1 ? 0 : static_cast<size_t>(o)];
    const int64_t first_channel = (o / outputs_per_group) * channels_per_group;
    double shift = 0.0;
    for (int64_t i = 0; i < per_output; ++i) {
      const size_t w = static_cast<size_t>(o * per_output + i);
      const double error = static_cast<double>(q[w]) * scale - exact[w];
      shift += error * input_means[static_cast<size_t>(first_channel + i % channels_per_group)];
    }
    corrected[static_cast<size_t>(o)] = static_cast<float>(bias[static_cast<size_t>(o)] - shift);
  }
  return corrected;
}

}  // namespace octet::quant
