// Pass remove_identity: drops Identity nodes. ONNX Identity and inference-mode
// Dropout import as Identity; they only rename a tensor.
#include "passes/passes.h"

namespace octet {
namespace {

MatchResult identity_is_its_input(Rewriter& rw, int n) {
  return rw.bypass(n, rw.node(n).inputs.at(0));
}

}  // namespace

const std::vector<Pattern>& remove_identity_patterns() {
  static const std::vector<Pattern> patterns{{"identity_is_its_input", OpKind::Identity, identity_is_its_input}};
  return patterns;
}

Graph remove_identity(Graph graph) {
  apply_patterns(graph, remove_identity_patterns());
  return graph;
}

}  // namespace octet
