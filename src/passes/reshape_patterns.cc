// Patterns on Reshape nodes, which the layout pass leaves in pairs (the
// ONNX importer's squeezes next to transposes that turned into reshapes).
#include "passes/layout_patterns.h"

namespace octet {

MatchResult merge_reshapes(Rewriter& rw, int n) {
  const int p = rw.producer(rw.node(n).inputs[0]);
  if (p == kNoTensor || rw.node(p).op != OpKind::Reshape) return no_match("the input does not come from a Reshape");
  rw.set_input(n, 0, rw.node(p).inputs[0]);  // the inner one goes once nothing else reads it
  return matched();
}

MatchResult drop_identity_reshape(Rewriter& rw, int n) {
  const Node& reshape = rw.node(n);
  if (rw.tensor(reshape.inputs[0]).shape != rw.tensor(reshape.outputs[0]).shape)
    return no_match("it changes the shape");
  return rw.bypass(n, reshape.inputs[0]);
}

}  // namespace octet
