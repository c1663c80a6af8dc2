// Patterns on Transpose nodes alone: composing, dropping, absorbing into the
// graph input, and turning into a Reshape.
#include "passes/layout_patterns.h"

namespace octet {

std::vector<int64_t> perm_of(Rewriter& rw, const Node& transpose) {
  if (transpose.attrs.has("perm")) return transpose.attrs.get_ints("perm");
  std::vector<int64_t> reversed;
  for (size_t d = rw.tensor(transpose.inputs[0]).shape.size(); d-- > 0;) reversed.push_back(static_cast<int64_t>(d));
  return reversed;
}

std::optional<std::vector<int64_t>> transposed_by(Rewriter& rw, int tensor) {
  if (tensor == kNoTensor) return std::nullopt;
  const int p = rw.producer(tensor);
  if (p == kNoTensor || rw.node(p).op != OpKind::Transpose) return std::nullopt;
  return perm_of(rw, rw.node(p));
}

// y = T(x, inner), z = T(y, outer): dimension d of z is dimension outer[d] of
// y, which is dimension inner[outer[d]] of x.
MatchResult compose_transposes(Rewriter& rw, int n) {
  const int y = rw.node(n).inputs[0];
  const std::optional<std::vector<int64_t>> inner = transposed_by(rw, y);
  if (!inner) return no_match("the input does not come from a Transpose");
  const std::vector<int64_t> outer = perm_of(rw, rw.node(n));
  std::vector<int64_t> composed;
  for (int64_t d : outer) composed.push_back((*inner)[d]);
  rw.node(n).attrs.set("perm", composed);
  rw.set_input(n, 0, rw.node(rw.producer(y)).inputs[0]);  // the inner one goes once nothing else reads it
  return matched();
}

MatchResult drop_identity_transpose(Rewriter& rw, int n) {
  if (!is_identity_perm(perm_of(rw, rw.node(n)))) return no_match("the perm is not the identity");
  return rw.bypass(n, rw.node(n).inputs[0]);
}

// The model's NCHW image input, when every reader transposes it to NHWC,
// becomes an NHWC input: the caller then feeds NHWC data, as TFLite models take it.
MatchResult input_to_nhwc(Rewriter& rw, int n) {
  static const std::vector<int64_t> kToNhwc{0, 2, 3, 1};
  const int x = rw.node(n).inputs[0];
  if (!rw.is_graph_input(x)) return no_match("the input is not a graph input");
  if (rw.is_graph_output(x)) return no_match("the graph input is also a graph output");
  const std::vector<int> readers = rw.consumers(x);
  for (int reader : readers) {
    const Node& node = rw.node(reader);
    if (node.op != OpKind::Transpose || perm_of(rw, node) != kToNhwc)
      return no_match("the graph input is read by a node other than an NCHW->NHWC Transpose");
    if (rw.is_graph_output(node.outputs[0])) return no_match("a transpose of the graph input is a graph output");
  }
  rw.tensor(x).shape = permute_shape(rw.tensor(x).shape, kToNhwc);
  for (int reader : readers) {
    const int nhwc = rw.node(reader).outputs[0];
    rw.erase(reader);
    rw.replace_uses(nhwc, x);
  }
  return matched();
}

// Size-1 dimensions hold no data: a transpose that keeps the order of the
// others moves no element.
MatchResult transpose_as_reshape(Rewriter& rw, int n) {
  const Node transpose = rw.node(n);
  const Shape& in = rw.tensor(transpose.inputs[0]).shape;
  int64_t previous = -1;
  for (int64_t d : perm_of(rw, transpose)) {
    if (in[d] == 1) continue;
    if (d < previous) return no_match("it reorders dimensions larger than 1");
    previous = d;
  }
  Attributes attrs;
  attrs.set("shape", rw.tensor(transpose.outputs[0]).shape);
  rw.erase(n);
  rw.add_node_writing(OpKind::Reshape, transpose.name, {transpose.inputs[0]}, std::move(attrs), transpose.outputs);
  return matched();
}

}  // namespace octet
