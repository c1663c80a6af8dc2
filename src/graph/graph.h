// The graph IR that every importer produces and every pass and writer consumes.
// Tensors and nodes live in vectors and refer to each other by index; shapes are
// static (importers resolve dynamic dimensions before building the graph).
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "graph/node.h"
#include "graph/tensor.h"

namespace octet {

class Graph {
 public:
  std::vector<Tensor> tensors;
  std::vector<Node> nodes;  // kept in topological order by add_node and sort()
  std::vector<int> inputs;
  std::vector<int> outputs;

  // Adds a tensor; its name must be unique (a suffix is added when it is not).
  int add_tensor(Tensor tensor);
  // Adds a node whose output tensors are created here, named after `name`
  // ("name" for a single output, "name:i" otherwise), and shape-inferred at once.
  // Returns the index of the node.
  int add_node(OpKind op, const std::string& name, std::vector<int> inputs,
               Attributes attrs = {}, int num_outputs = 1);
  // Same, but writing into existing (shapeless) output tensors.
  int add_node_with_outputs(OpKind op, const std::string& name, std::vector<int> inputs,
                            Attributes attrs, std::vector<int> outputs);

  int find_tensor(const std::string& name) const;  // kNoTensor when absent
  // Renames tensor `id`; Error(Internal) when another tensor has that name.
  void rename_tensor(int id, const std::string& name);
  const Tensor& tensor(int id) const { return tensors.at(id); }
  Tensor& tensor(int id) { return tensors.at(id); }

  // Orders nodes so that producers precede consumers; fails on a cycle.
  void sort();
  // Checks references, single producers, topological order and that every
  // non-constant tensor a node reads is produced or is a graph input.
  // Throws Error(Internal) naming the first problem.
  void verify() const;
  // Index of the node producing each tensor (kNoTensor for inputs/constants).
  std::vector<int> producers() const;
  // Drops tensors that no node, input or output refers to, renumbering ids.
  void remove_unused_tensors();

 private:
  std::unordered_map<std::string, int> by_name_;
  std::string unique_name(const std::string& base) const;
};

// A readable dump, one line per input, node and output; constants are shown by
// shape and dtype only. Used in debugging and in pass tests.
std::string dump(const Graph& graph);

}  // namespace octet
