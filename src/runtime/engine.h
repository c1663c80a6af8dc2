// The reference engine: runs an IR graph node by node with each op's
// reference kernel, float or integer (an op's kernel dispatches on the dtypes
// it is given, as TFLite's do), so one engine runs the float model during
// calibration and the int8 model octet writes. Buffers are planned once per graph and reused across runs;
// an observer can see every tensor a node produces (calibration needs that).
#pragma once
#include <functional>
#include <vector>

#include "graph/graph.h"
#include "runtime/kernel.h"

namespace octet {

// Called after each node with the id of every tensor it produced and its data.
using TensorObserver = std::function<void(int tensor_id, const TensorView& value)>;

class Engine {
 public:
  explicit Engine(const Graph& graph);

  // Inputs in graph-input order, each with the input's dtype and element count.
  // Returns the graph outputs (views valid until the next run).
  std::vector<TensorView> run(const std::vector<const void*>& inputs,
                              const TensorObserver& observer = nullptr);

 private:
  const Graph& graph_;
  std::vector<std::vector<uint8_t>> buffers_;  // one per tensor id; empty for constants
  std::vector<TensorView> views_;
};

// Evaluates one node whose inputs are all constant, making its outputs
// constants. Importers use it to fold shape arithmetic as they build a graph.
void evaluate_constant_node(Graph& graph, const Node& node);
// True when every present input of the node is a constant.
bool all_inputs_constant(const Graph& graph, const Node& node);

}  // namespace octet
