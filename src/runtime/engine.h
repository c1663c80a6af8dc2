// The engine: runs an IR graph node by node with each op's reference kernel,
// float or integer (an op's kernel dispatches on the dtypes it is given, as
// TFLite's do), so one engine runs the float model during calibration and the
// int8 model octet writes. Float nodes that XNNPACK can compute run on an
// XNNPACK operator made once at construction instead (runtime/xnn; float
// depthwise and, on AVX-512, 1x1 convolutions on kernels of ours,
// runtime/float_depthwise.h and float_pointwise.h), unless the options ask
// for the reference kernels. Activations share one arena,
// planned once per graph by lifetime (buffer_plan.h) and reused across runs:
// an observer sees every tensor a node produces right after the node
// (calibration needs that), but a tensor's bytes are reused once its last
// reader has run.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "runtime/kernel.h"
#include "runtime/output_summary.h"

namespace octet {

namespace xnn {
class FastOp;
class ThreadPool;
}  // namespace xnn

struct EngineOptions {
  // Every node through its reference kernel (OpDef::eval): the oracle the
  // XNNPACK path is tested against.
  bool reference = false;
  // Threads for the XNNPACK operators; 1 runs them on the calling thread.
  int threads = 1;
  // Nodes whose fast kernel can summarise its output (output_summary.h) do,
  // on every run, for calibration's observers (summary_of). Only on one thread.
  bool summarise = false;
  // Our depthwise and 1x1 convolution kernels where they apply; false leaves
  // those nodes to XNNPACK too (tests use it to check XNNPACK's path on CPUs
  // where ours would take every case).
  bool own_kernels = true;
};

// A float node the XNNPACK path leaves to the reference kernel, and why.
struct ReferenceFallback {
  std::string node;
  OpKind op;
  std::string reason;
};

// Called after each node with the id of every tensor it produced and its data
// (valid during the call only: later nodes may reuse the bytes).
using TensorObserver = std::function<void(int tensor_id, const TensorView& value)>;

class Engine {
 public:
  // The graph must outlive the Engine.
  explicit Engine(const Graph& graph, EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Inputs in graph-input order, each with the input's dtype and element count.
  // Returns the graph outputs (views valid until the next run).
  std::vector<TensorView> run(const std::vector<const void*>& inputs,
                              const TensorObserver& observer = nullptr);

  // During an observer's call for `tensor_id`: the summary its producer's
  // kernel made of it, or null (EngineOptions::summarise).
  const OutputSummary* summary_of(int tensor_id) const;

  // The float nodes that run on their reference kernel although the XNNPACK
  // path is on (empty when it is off).
  const std::vector<ReferenceFallback>& reference_fallbacks() const { return fallbacks_; }

 private:
  void make_fast_operators(const EngineOptions& options);

  // Cache-line offsets for every activation (vector loads in the int8 and
  // XNNPACK kernels like them).
  static constexpr size_t kAlignment = 64;

  const Graph& graph_;
  std::vector<uint8_t> arena_;  // every activation, placed by plan_buffers
  std::vector<TensorView> views_;
  std::unique_ptr<xnn::ThreadPool> pool_;
  std::vector<std::unique_ptr<xnn::FastOp>> fast_;  // per node; null runs the reference kernel
  std::vector<ReferenceFallback> fallbacks_;
  std::vector<int> producer_;  // per tensor: the node that writes it, or -1
};

// Evaluates one node whose inputs are all constant, making its outputs
// constants. Importers use it to fold shape arithmetic as they build a graph.
void evaluate_constant_node(Graph& graph, const Node& node);
// True when every present input of the node is a constant.
bool all_inputs_constant(const Graph& graph, const Node& node);

}  // namespace octet
