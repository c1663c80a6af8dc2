// Pass fold_constants: evaluates every node whose inputs are all constant into
// a constant. The importers fold as they build; this catches what other
// passes leave behind (e.g. a transpose of a weight).
#include "passes/passes.h"
#include "runtime/engine.h"

namespace octet {
namespace {

MatchResult node_of_constants(Rewriter& rw, int n) {
  const Node& node = rw.node(n);
  for (int t : node.inputs)
    if (t != kNoTensor && !rw.tensor(t).is_constant()) return no_match("input '" + rw.tensor(t).name + "' is not constant");
  // A graph output stays the result of a node: writers expect outputs to be computed.
  for (int t : node.outputs)
    if (rw.is_graph_output(t)) return no_match("output '" + rw.tensor(t).name + "' is a graph output");
  evaluate_constant_node(rw.graph(), node);
  rw.erase(n);
  return matched();
}

}  // namespace

const std::vector<Pattern>& fold_constants_patterns() {
  static const std::vector<Pattern> patterns{{"node_of_constants", std::nullopt, node_of_constants}};
  return patterns;
}

Graph fold_constants(Graph graph) {
  apply_patterns(graph, fold_constants_patterns());
  return graph;
}

}  // namespace octet
