// Pass fold_add_into_bias: an Add of a per-channel (or scalar) constant to
// the output of a convolution or fully-connected layer joins the layer's
// bias. ONNX exporters write a bias-less MatMul or Conv followed by an Add
// (CNTK's MNIST does); as a separate ADD it costs an op and a second int8
// rounding, and Arm NN 20.08 refuses a FULLY_CONNECTED without bias.
#include <optional>

#include "ops/op_util.h"
#include "passes/passes.h"

namespace octet {
namespace {

bool has_bias_input(OpKind op) { return op == OpKind::Conv2D || op == OpKind::FullyConnected; }

// The constant's value for each of `channels` output channels, when it
// broadcasts along the last dimension only (shape [], [1], [C] or [1,..,1,C]).
std::optional<std::vector<float>> per_channel_values(const Tensor& constant, int64_t channels) {
  const Shape& shape = constant.shape;
  for (size_t d = 0; d + 1 < shape.size(); ++d)
    if (shape[d] != 1) return std::nullopt;
  const std::vector<float> values = constant_floats(constant);
  if (values.size() == 1) return std::vector<float>(static_cast<size_t>(channels), values[0]);
  if (static_cast<int64_t>(values.size()) != channels) return std::nullopt;
  return values;
}

MatchResult add_into_bias(Rewriter& rw, int n) {
  const Node& add = rw.node(n);
  if (add.inputs.size() != 2) return no_match("the Add does not have two inputs");
  const int side = rw.tensor(add.inputs[1]).is_constant() ? 1 : rw.tensor(add.inputs[0]).is_constant() ? 0 : -1;
  if (side < 0) return no_match("neither operand is constant");
  const int layer_output = add.inputs[1 - side];
  const int p = rw.producer(layer_output);
  if (p == kNoTensor || !has_bias_input(rw.node(p).op)) return no_match("the other operand is not a layer's output");
  const Node& layer = rw.node(p);
  if (activation_of(layer) != Activation::None) return no_match("the layer clamps its output before the Add");
  if (!rw.only_read_by(layer_output, n)) return no_match("the layer's output has other readers");
  if (rw.tensor(layer_output).dtype != DType::Float32) return no_match("the layer's output is not float32");
  if (rw.tensor(add.outputs[0]).shape != rw.tensor(layer_output).shape)
    return no_match("the Add broadcasts the layer's output to another shape");
  if (layer.has_input(2) && !rw.tensor(layer.inputs[2]).is_constant()) return no_match("the layer's bias is not constant");
  const int64_t channels = rw.tensor(layer_output).shape.back();
  const std::optional<std::vector<float>> offset = per_channel_values(rw.tensor(add.inputs[side]), channels);
  if (!offset) return no_match("the constant is not one value per output channel");

  std::vector<float> bias = layer.has_input(2) ? constant_floats(rw.tensor(layer.inputs[2]))
                                               : std::vector<float>(static_cast<size_t>(channels), 0.0f);
  for (size_t c = 0; c < bias.size(); ++c) bias[c] += (*offset)[c];
  const int new_bias = rw.add_constant(make_constant<float>(add.name + "/folded_bias", {channels}, bias));
  const std::string activation = add.attrs.get_string("activation", "none");
  const int output = add.outputs[0];
  rw.erase(n);
  if (rw.node(p).inputs.size() < 3) rw.node(p).inputs.resize(3, kNoTensor);
  rw.set_input(p, 2, new_bias);
  rw.node(p).attrs.set("activation", activation);
  rw.set_output(p, 0, output);
  rw.reinfer(p);
  return matched();
}

}  // namespace

const std::vector<Pattern>& fold_add_into_bias_patterns() {
  static const std::vector<Pattern> patterns{{"add_into_bias", OpKind::Add, add_into_bias}};
  return patterns;
}

Graph fold_add_into_bias(Graph graph) {
  apply_patterns(graph, fold_add_into_bias_patterns());
  return graph;
}

}  // namespace octet
