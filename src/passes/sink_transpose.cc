// op(Transpose(x, P)) -> Transpose(op'(x), Q): moves a transpose from a node's
// inputs to its outputs. What op' and Q are is the op's own knowledge
// (OpDef::permute); this pattern finds the untransposed inputs and rewires.
// Repeated, it pushes each transpose down until it meets its inverse.
#include <algorithm>

#include "ops/op_def.h"
#include "passes/layout_patterns.h"

namespace octet {
namespace {

constexpr int kPermuteConstant = -2;  // marks a constant input to be transposed back

// The constant c' with Transpose(c', P) == c broadcast to P's rank: c padded
// with leading 1s and transposed by P's inverse, leading 1s then dropped again
// (they broadcast the same and keep per-channel constants 1-D, as TFLite has them).
Tensor untransposed_constant(const Tensor& c, const std::vector<int64_t>& perm) {
  Tensor padded = c;
  padded.shape.insert(padded.shape.begin(), perm.size() - c.shape.size(), 1);
  Tensor t = transpose_constant(padded, inverse_perm(perm), c.name + "/untransposed");
  while (!t.shape.empty() && t.shape.front() == 1) t.shape.erase(t.shape.begin());
  return t;
}

// For each layout input: the Transpose's source, kPermuteConstant, or the
// input itself (a constant of one element broadcasts in any layout).
MatchResult find_sources(Rewriter& rw, const Node& node, const Permuted& how, const std::vector<int64_t>& perm,
                         std::vector<int>& sources) {
  for (size_t slot : how.inputs) {
    const int t = node.inputs.at(slot);
    const std::optional<std::vector<int64_t>> by = transposed_by(rw, t);
    if (t == kNoTensor) {
      sources.push_back(kNoTensor);
    } else if (by && *by == perm) {
      sources.push_back(rw.node(rw.producer(t)).inputs[0]);
    } else if (!rw.tensor(t).is_constant()) {
      return no_match("input " + std::to_string(slot) + " is neither transposed by " + shape_string(perm) +
                      " nor constant");
    } else if (rw.tensor(t).shape.size() > perm.size()) {
      return no_match("constant input " + std::to_string(slot) + " has a higher rank than the transpose");
    } else {
      sources.push_back(rw.tensor(t).element_count() == 1 ? t : kPermuteConstant);
    }
  }
  return matched();
}

// The node writes new tensors in its new layout; transposes by Q restore the
// old ones, which keep their ids and names for every reader.
void transpose_outputs_back(Rewriter& rw, int n, const std::vector<int64_t>& q) {
  const std::vector<int> old_outputs = rw.node(n).outputs;
  if (is_identity_perm(q)) return rw.reinfer(n);
  std::vector<int> fresh;
  for (size_t k = 0; k < old_outputs.size(); ++k) {
    fresh.push_back(rw.add_tensor(rw.tensor(old_outputs[k]).name + kUntransposedSuffix));
    rw.set_output(n, k, fresh.back());
  }
  rw.reinfer(n);
  Attributes attrs;
  attrs.set("perm", q);
  for (size_t k = 0; k < old_outputs.size(); ++k)
    rw.add_node_writing(OpKind::Transpose, rw.tensor(old_outputs[k]).name + "/transpose", {fresh[k]}, attrs,
                        {old_outputs[k]});
}

}  // namespace

MatchResult sink_transpose(Rewriter& rw, int n) {
  const OpDef& def = op_def(rw.node(n).op);
  if (!def.permute) return no_match("the op does not commute with transposes");
  // The first input that comes from a Transpose sets the perm.
  std::optional<std::vector<int64_t>> perm;
  size_t transposed = 0;
  for (; transposed < rw.node(n).inputs.size(); ++transposed)
    if ((perm = transposed_by(rw, rw.node(n).inputs[transposed]))) break;
  if (!perm) return no_match("no input comes from a Transpose");
  Node moved = rw.node(n);
  const std::optional<Permuted> how = def.permute(rw.graph(), moved, *perm);
  if (!how) return no_match("the op cannot read its input untransposed by " + shape_string(*perm));
  if (std::count(how->inputs.begin(), how->inputs.end(), transposed) == 0)
    return no_match("the transposed input " + std::to_string(transposed) + " does not carry the layout");
  std::vector<int> sources;
  if (MatchResult r = find_sources(rw, moved, *how, *perm, sources); !r.ok()) return r;

  for (size_t i = 0; i < sources.size(); ++i) {
    const size_t slot = how->inputs[i];
    int source = sources[i];
    if (source == kPermuteConstant) source = rw.add_constant(untransposed_constant(rw.tensor(moved.inputs[slot]), *perm));
    rw.set_input(n, slot, source);
  }
  rw.node(n).attrs = moved.attrs;
  transpose_outputs_back(rw, n, how->output_perm);
  return matched();
}

}  // namespace octet
