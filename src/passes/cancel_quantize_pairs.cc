// Pass cancel_quantize_pairs: see quantize_passes.h.
#include <string>

#include "ops/quantize.h"
#include "passes/quantize_passes.h"

namespace octet {
namespace {

MatchResult cancel_pair(Rewriter& rw, int n) {
  const int x = rw.node(n).inputs[0];
  const int d = rw.producer(x);
  if (d == kNoTensor || rw.node(d).op != OpKind::Dequantize) return no_match("the input does not come from a Dequantize");
  const int source = rw.node(d).inputs[0];
  const Tensor &from = rw.tensor(source), &to = rw.tensor(rw.node(n).outputs[0]);
  if (from.dtype == to.dtype && from.quant.scales == to.quant.scales && from.quant.zero_points == to.quant.zero_points)
    return rw.bypass(n, source);
  if (from.quant.scales.size() != 1) return no_match("the integer tensor is not quantized per tensor");
  rw.node(n).attrs = quantize_attrs(to.dtype, to.quant, from.quant);
  rw.set_input(n, 0, source);
  rw.reinfer(n);
  return matched();
}

bool same_quantize(const Node& a, const Node& b) {
  return a.inputs == b.inputs && a.attrs.get_int("to", -1) == b.attrs.get_int("to", -1) &&
         quant_attrs_of(a, "").scales == quant_attrs_of(b, "").scales &&
         quant_attrs_of(a, "").zero_points == quant_attrs_of(b, "").zero_points;
}

// Two readers of one float tensor (a graph input read by two convolutions)
// need one Quantize between them, not two.
MatchResult merge_duplicate(Rewriter& rw, int n) {
  for (int other : rw.consumers(rw.node(n).inputs[0])) {
    if (other == n || rw.node(other).op != OpKind::Quantize || !same_quantize(rw.node(other), rw.node(n))) continue;
    if (rw.is_graph_output(rw.node(n).outputs[0])) continue;
    return rw.bypass(n, rw.node(other).outputs[0]);
  }
  return no_match("no other Quantize of the same tensor with the same parameters");
}

}  // namespace

const std::vector<Pattern>& cancel_quantize_pairs_patterns() {
  static const std::vector<Pattern> patterns{{"dequantize_quantize", OpKind::Quantize, cancel_pair},
                                             {"duplicate_quantize", OpKind::Quantize, merge_duplicate}};
  return patterns;
}

Graph cancel_quantize_pairs(Graph graph) {
  apply_patterns(graph, cancel_quantize_pairs_patterns());
  return graph;
}

void adopt_source_names(Graph& graph) { restore_base_names(graph, kInt8Suffix); }

}  // namespace octet
