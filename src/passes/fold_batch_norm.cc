// Pass fold_batch_norm: inference BatchNorm is y = x * multiplier + offset per
// channel. After a convolution or fully-connected layer (whose output
// channel is the last dimension and the first of its weights) the multiplier
// scales that channel's weights and bias and the offset joins the bias; any
// other BatchNorm becomes a Mul and an Add by per-channel constants, which
// TFLite can run.
#include <cmath>

#include "ops/op_util.h"
#include "passes/passes.h"

namespace octet {
namespace {

struct ChannelAffine {
  std::vector<float> multiplier, offset;
};

// The BatchNorm's per-channel affine map, computed as its kernel does.
ChannelAffine affine_of(Rewriter& rw, const Node& bn) {
  const std::vector<float> scale = constant_floats(rw.tensor(bn.inputs[1]));
  const std::vector<float> bias = constant_floats(rw.tensor(bn.inputs[2]));
  const std::vector<float> mean = constant_floats(rw.tensor(bn.inputs[3]));
  const std::vector<float> var = constant_floats(rw.tensor(bn.inputs[4]));
  const float epsilon = bn.attrs.get_float("epsilon", 1e-5f);
  ChannelAffine a;
  for (size_t c = 0; c < scale.size(); ++c) {
    a.multiplier.push_back(scale[c] / std::sqrt(var[c] + epsilon));
    a.offset.push_back(bias[c] - mean[c] * a.multiplier.back());
  }
  return a;
}

MatchResult check_parameters(Rewriter& rw, const Node& bn) {
  if (rw.tensor(bn.inputs[0]).dtype != DType::Float32) return no_match("input is not float32");
  for (size_t i = 1; i <= 4; ++i)
    if (!rw.tensor(bn.inputs[i]).is_constant()) return no_match("parameter " + std::to_string(i) + " is not constant");
  return matched();
}

bool is_foldable_layer(OpKind op) {
  return op == OpKind::Conv2D || op == OpKind::ConvTranspose2D || op == OpKind::FullyConnected;
}

MatchResult check_foldable_producer(Rewriter& rw, int bn_index, int p) {
  const Node& bn = rw.node(bn_index);
  if (p == kNoTensor) return no_match("the input has no producing node");
  const Node& layer = rw.node(p);
  if (!is_foldable_layer(layer.op))
    return no_match(std::string("the input comes from ") + op_name(layer.op) + ", not a convolution or fully-connected layer");
  if (activation_of(layer) != Activation::None) return no_match("the layer clamps its output before the normalization");
  if (!rw.only_read_by(bn.inputs[0], bn_index)) return no_match("the layer's output has other readers");
  const int rank = static_cast<int>(rw.tensor(bn.inputs[0]).shape.size());
  if (normalize_axis(bn, bn.attrs.get_int("axis", 1), rank) != rank - 1)
    return no_match("the normalized axis is not the layer's output channel (the last dimension)");
  if (!rw.tensor(layer.inputs[1]).is_constant()) return no_match("the layer's weights are not constant");
  if (layer.has_input(2) && !rw.tensor(layer.inputs[2]).is_constant()) return no_match("the layer's bias is not constant");
  return matched();
}

// W'[o,...] = W[o,...] * m[o];  b'[o] = b[o] * m[o] + offset[o].
MatchResult batch_norm_into_layer(Rewriter& rw, int n) {
  if (MatchResult r = check_parameters(rw, rw.node(n)); !r.ok()) return r;
  const int p = rw.producer(rw.node(n).inputs[0]);
  if (MatchResult r = check_foldable_producer(rw, n, p); !r.ok()) return r;
  const ChannelAffine a = affine_of(rw, rw.node(n));
  const Shape w_shape = rw.tensor(rw.node(p).inputs[1]).shape;
  std::vector<float> weights = constant_floats(rw.tensor(rw.node(p).inputs[1]));
  const size_t channels = a.multiplier.size(), per_channel = weights.size() / channels;
  for (size_t i = 0; i < weights.size(); ++i) weights[i] *= a.multiplier[i / per_channel];
  std::vector<float> bias = rw.node(p).has_input(2) ? constant_floats(rw.tensor(rw.node(p).inputs[2]))
                                                    : std::vector<float>(channels, 0.0f);
  for (size_t c = 0; c < channels; ++c) bias[c] = bias[c] * a.multiplier[c] + a.offset[c];

  const std::string name = rw.node(n).name;
  const int new_w = rw.add_constant(make_constant<float>(name + "/folded_weights", w_shape, weights));
  const int new_b = rw.add_constant(make_constant<float>(name + "/folded_bias", {static_cast<int64_t>(channels)}, bias));
  rw.set_input(p, 1, new_w);
  if (rw.node(p).inputs.size() < 3) rw.node(p).inputs.resize(3, kNoTensor);
  rw.set_input(p, 2, new_b);
  rw.set_output(p, 0, rw.node(n).outputs[0]);
  rw.erase(n);
  rw.reinfer(p);
  return matched();
}

// Constants shaped [C, 1, ..., 1] broadcast along the normalized axis.
MatchResult batch_norm_to_mul_add(Rewriter& rw, int n) {
  if (MatchResult r = check_parameters(rw, rw.node(n)); !r.ok()) return r;
  const ChannelAffine a = affine_of(rw, rw.node(n));
  const Node bn = rw.node(n);
  const int rank = static_cast<int>(rw.tensor(bn.inputs[0]).shape.size());
  const int axis = rank == 0 ? 0 : normalize_axis(bn, bn.attrs.get_int("axis", 1), rank);
  Shape shape{static_cast<int64_t>(a.multiplier.size())};
  for (int d = axis + 1; d < rank; ++d) shape.push_back(1);
  const int multiplier = rw.add_constant(make_constant<float>(bn.name + "/multiplier", shape, a.multiplier));
  const int offset = rw.add_constant(make_constant<float>(bn.name + "/offset", shape, a.offset));
  rw.erase(n);
  const int mul = rw.add_node(OpKind::Mul, bn.name + "/mul", {bn.inputs[0], multiplier});
  rw.add_node_writing(OpKind::Add, bn.name + "/add", {rw.node(mul).outputs[0], offset}, {}, {bn.outputs[0]});
  return matched();
}

}  // namespace

const std::vector<Pattern>& fold_batch_norm_patterns() {
  static const std::vector<Pattern> patterns{
      {"batch_norm_into_layer", OpKind::BatchNorm, batch_norm_into_layer},
      {"batch_norm_to_mul_add", OpKind::BatchNorm, batch_norm_to_mul_add},
  };
  return patterns;
}

Graph fold_batch_norm(Graph graph) {
  apply_patterns(graph, fold_batch_norm_patterns());
  return graph;
}

}  // namespace octet
