// Pass fuse_activation: a Relu, or a Clip to [0,6] or [-1,1], whose input is
// computed by an op that TFLite gives a fused activation becomes that op's
// "activation", when the clamp is the only reader of that op's output (which
// then disappears).
//
// Ops with a fused activation, from TFLite's builtin options: CONV_2D,
// DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, SUB, MUL, DIV, AVERAGE_POOL_2D,
// MAX_POOL_2D. Left out on purpose: CONCATENATION (its options have the field
// but every TFLite and TFLite Micro kernel rejects anything but NONE) and
// TRANSPOSE_CONV (the field only exists from operator version 4, which older
// runtimes cannot load).
#include <cmath>
#include <optional>

#include "ops/op_util.h"
#include "passes/passes.h"

namespace octet {
namespace {

bool has_fused_activation(OpKind op) {
  switch (op) {
    case OpKind::Conv2D:
    case OpKind::FullyConnected:
    case OpKind::Add:
    case OpKind::Sub:
    case OpKind::Mul:
    case OpKind::Div:
    case OpKind::MaxPool2D:
    case OpKind::AvgPool2D: return true;
    default: return false;
  }
}

// A clamp to [lo, hi]; a fused activation is one of four such ranges.
struct Range {
  float lo, hi;
  bool operator==(const Range& o) const { return lo == o.lo && hi == o.hi; }
};

Range range_of(Activation a) {
  switch (a) {
    case Activation::None: return {-INFINITY, INFINITY};
    case Activation::Relu: return {0, INFINITY};
    case Activation::Relu6: return {0, 6};
    case Activation::ReluN1To1: return {-1, 1};
  }
  return {-INFINITY, INFINITY};
}

std::optional<Activation> activation_for(Range r) {
  for (Activation a : {Activation::None, Activation::Relu, Activation::Relu6, Activation::ReluN1To1})
    if (range_of(a) == r) return a;
  return std::nullopt;
}

Range clamp_of(const Node& node) {
  if (node.op == OpKind::Relu) return range_of(Activation::Relu);
  return {node.attrs.get_float("min", -INFINITY), node.attrs.get_float("max", INFINITY)};
}

MatchResult clamp_into_producer(Rewriter& rw, int n) {
  const Node& clamp = rw.node(n);
  const int x = clamp.inputs[0];
  if (rw.tensor(x).dtype != DType::Float32) return no_match("the input is not float32");
  const int p = rw.producer(x);
  if (p == kNoTensor) return no_match("the input has no producing node");
  const Node& producer = rw.node(p);
  if (!has_fused_activation(producer.op))
    return no_match(std::string(op_name(producer.op)) + " has no fused activation in TFLite");
  if (!rw.only_read_by(x, n)) return no_match("the producer's output has other readers or is a graph output");
  // Two clamps in a row clamp to the intersection of their ranges.
  const Range before = range_of(activation_of(producer)), after = clamp_of(clamp);
  const Range both{std::max(before.lo, after.lo), std::min(before.hi, after.hi)};
  const std::optional<Activation> fused = activation_for(both);
  if (!fused) return no_match("the clamp to [" + std::to_string(both.lo) + ", " + std::to_string(both.hi) +
                              "] is not a TFLite activation");
  rw.node(p).attrs.set("activation", std::string(activation_name(*fused)));
  rw.set_output(p, 0, clamp.outputs[0]);
  rw.erase(n);
  return matched();
}

}  // namespace

const std::vector<Pattern>& fuse_activation_patterns() {
  static const std::vector<Pattern> patterns{
      {"relu_into_producer", OpKind::Relu, clamp_into_producer},
      {"clip_into_producer", OpKind::Clip, clamp_into_producer},
  };
  return patterns;
}

Graph fuse_activation(Graph graph) {
  apply_patterns(graph, fuse_activation_patterns());
  return graph;
}

}  // namespace octet
