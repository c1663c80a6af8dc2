// Graph surgery for passes, and the greedy driver that applies rewrite
// patterns. As in MLIR, a pattern is rooted at one node: it either rewrites
// the graph there or returns the reason it does not apply, so that a test (or
// a curious reader with a MatchLog) can see why a rewrite did not happen.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace octet {

// The outcome of trying a pattern at one node: applied, or why not.
class MatchResult {
 public:
  static MatchResult success() { return MatchResult(std::string()); }
  static MatchResult failure(std::string why) { return MatchResult(std::move(why)); }
  bool ok() const { return why_.empty(); }
  const std::string& reason() const { return why_; }

 private:
  explicit MatchResult(std::string why) : why_(std::move(why)) {}
  std::string why_;
};

inline MatchResult matched() { return MatchResult::success(); }
inline MatchResult no_match(std::string why) { return MatchResult::failure(std::move(why)); }

// A graph being rewritten. Erased nodes are only marked, so node indices stay
// valid while patterns run, and added nodes are appended; finish() drops the
// erased and dead nodes, restores topological order and verifies the graph.
// Patterns change the graph's structure only through these methods (they may
// edit a node's attributes directly). Adding a node or a tensor can move
// graph.nodes or graph.tensors in memory: hold indices, not references, across
// additions.
class Rewriter {
 public:
  explicit Rewriter(Graph& graph) : graph_(graph) {}

  Graph& graph() { return graph_; }
  Node& node(int n) { return graph_.nodes[n]; }
  Tensor& tensor(int t) { return graph_.tensor(t); }
  int node_count() const { return static_cast<int>(graph_.nodes.size()); }
  bool erased(int n) const { return n < static_cast<int>(erased_.size()) && erased_[n]; }

  // The live node writing `tensor`; kNoTensor for graph inputs and constants.
  int producer(int tensor);
  // The live nodes reading `tensor`, each listed once.
  const std::vector<int>& consumers(int tensor);
  bool is_graph_input(int tensor) const;
  bool is_graph_output(int tensor) const;
  // True when node `reader` is the only reader of `tensor` and it is no graph
  // output, so whatever produces it may change it freely.
  bool only_read_by(int tensor, int reader);

  // Like Graph::add_node / add_node_with_outputs (the node is shape-inferred
  // at once); return the new node's index.
  int add_node(OpKind op, const std::string& name, std::vector<int> inputs, Attributes attrs = {},
               int num_outputs = 1);
  int add_node_writing(OpKind op, const std::string& name, std::vector<int> inputs, Attributes attrs,
                       std::vector<int> outputs);
  int add_constant(Tensor tensor);
  // A new tensor with no producer yet, named after `base`.
  int add_tensor(const std::string& base);
  void set_input(int n, size_t slot, int tensor);
  void set_output(int n, size_t slot, int tensor);
  // Reruns the node's shape inference (after its inputs or attributes changed).
  void reinfer(int n);
  void erase(int n);
  // Every live reader of `from`, and the graph outputs, take `to` instead.
  void replace_uses(int from, int to);
  // Removes a node whose only output equals `replacement` (same shape, dtype
  // and values), rewiring readers to it. A graph output keeps its tensor (and
  // name): the producer of `replacement` writes it instead, when that is possible.
  MatchResult bypass(int n, int replacement);

  // Drops erased nodes and nodes whose results nobody reads, sorts, removes
  // unused tensors and verifies the result.
  void finish();

 private:
  Graph& graph_;
  std::vector<bool> erased_;
  bool stale_ = true;  // the producer / consumer index needs rebuilding
  std::vector<int> producer_;
  std::vector<std::vector<int>> consumers_;

  void index();
  void changed() { stale_ = true; }
  void remove_dead_nodes();
};

struct Pattern {
  const char* name;
  std::optional<OpKind> root;  // the op it is tried on; nullopt for every op
  // Rewrites the graph at node `n` and returns matched(), or leaves it as it
  // was and returns the reason it does not apply.
  MatchResult (*apply)(Rewriter& rewriter, int n);
};

// Sees every attempt of a pattern (tests use it to check reasons).
using MatchLog = std::function<void(const Pattern& pattern, const Node& node, const MatchResult& result)>;

// Tries the patterns, in order, on every live node, in rounds, until a round
// changes nothing; then finish()es the graph. Returns the number of rewrites.
int apply_patterns(Graph& graph, const std::vector<Pattern>& patterns, const MatchLog& log = nullptr);

// Shared helpers for patterns.
std::vector<int64_t> inverse_perm(const std::vector<int64_t>& perm);
bool is_identity_perm(const std::vector<int64_t>& perm);
// Dimension d of the result is dimension perm[d] of `shape`.
Shape permute_shape(const Shape& shape, const std::vector<int64_t>& perm);
// Renames every tensor called "<base><suffix>" (or "<base><suffix>_<k>", as
// Graph::add_tensor makes names unique) to "<base>" when no tensor has that
// name any more: passes that replace a tensor name the new one after the
// old, and the source graph's names come back once the old one is gone.
void restore_base_names(Graph& graph, const std::string& suffix);
// A constant's values transposed by `perm` (any dtype), named `name`.
Tensor transpose_constant(const Tensor& constant, const std::vector<int64_t>& perm, const std::string& name);

}  // namespace octet
