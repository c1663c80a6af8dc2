#include "runtime/engine.h"

#include <cstring>

#include "graph/error.h"
#include "runtime/buffer_plan.h"
#include "ops/op_def.h"
#include "runtime/xnn/operator.h"

namespace octet {

void unsupported_dtype(const KernelContext& ctx, DType dtype) {
  fail(ErrorKind::Unsupported, "node '" + ctx.node.name + "' (" + op_name(ctx.node.op) +
                                   "): no kernel for dtype " + dtype_name(dtype));
}

Engine::Engine(const Graph& graph, EngineOptions options) : graph_(graph), views_(graph.tensors.size()) {
  const BufferPlan plan = plan_buffers(graph, kAlignment, xnn::kReadPastEnd);
  arena_.resize(plan.arena_bytes + kAlignment);
  uint8_t* base = arena_.data() + (kAlignment - reinterpret_cast<uintptr_t>(arena_.data()) % kAlignment) % kAlignment;
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    const Tensor& tensor = graph.tensors[t];
    TensorView& view = views_[t];
    view.dtype = tensor.dtype;
    view.shape = tensor.shape;
    if (!tensor.quant.empty()) view.quant = &tensor.quant;
    view.data = tensor.is_constant() ? const_cast<uint8_t*>(tensor.data->data())  // kernels never write inputs
                                     : base + plan.offset[t];
  }
  producer_.assign(graph.tensors.size(), -1);
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    for (int t : graph.nodes[i].outputs) producer_[t] = static_cast<int>(i);
  if (!options.reference) make_fast_operators(options);
}

Engine::~Engine() = default;

static bool is_float_node(const Graph& graph, const Node& node) {
  for (const std::vector<int>* tensors : {&node.inputs, &node.outputs})
    for (int t : *tensors)
      if (t != kNoTensor && graph.tensor(t).dtype != DType::Float32) return false;
  return true;
}

// The buffers are final by now, so each operator is set up on them once.
void Engine::make_fast_operators(const EngineOptions& options) {
  pool_ = std::make_unique<xnn::ThreadPool>(options.threads);
  fast_.resize(graph_.nodes.size());
  for (size_t i = 0; i < graph_.nodes.size(); ++i) {
    const Node& node = graph_.nodes[i];
    if (!is_float_node(graph_, node)) continue;
    xnn::Mapped mapped = xnn::map_node({graph_, node, views_, pool_->get(), options.summarise, options.own_kernels});
    if (mapped.op)
      fast_[i] = std::move(mapped.op);
    else
      fallbacks_.push_back({node.name, node.op, mapped.refusal});
  }
}

static KernelContext make_context(const Node& node, const std::vector<TensorView>& views) {
  std::vector<TensorView> ins, outs;
  for (int t : node.inputs) ins.push_back(t == kNoTensor ? TensorView{} : views[t]);
  for (int t : node.outputs) outs.push_back(views[t]);
  return KernelContext(node, std::move(ins), std::move(outs));
}

std::vector<TensorView> Engine::run(const std::vector<const void*>& inputs,
                                         const TensorObserver& observer) {
  if (inputs.size() != graph_.inputs.size())
    fail(ErrorKind::BadInput, "model has " + std::to_string(graph_.inputs.size()) + " inputs, got " +
                                  std::to_string(inputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    int t = graph_.inputs[i];
    std::memcpy(views_[t].data, inputs[i], graph_.tensors[t].byte_size());
    if (observer) observer(t, views_[t]);
  }
  for (size_t i = 0; i < graph_.nodes.size(); ++i) {
    const Node& node = graph_.nodes[i];
    if (i < fast_.size() && fast_[i]) {
      fast_[i]->run(pool_->get());
    } else {
      KernelContext ctx = make_context(node, views_);
      op_def(node.op).eval(ctx);
    }
    if (observer)
      for (int t : node.outputs) observer(t, views_[t]);
  }
  std::vector<TensorView> outputs;
  for (int t : graph_.outputs) outputs.push_back(views_[t]);
  return outputs;
}

const OutputSummary* Engine::summary_of(int tensor_id) const {
  const int node = producer_[tensor_id];
  if (node < 0 || static_cast<size_t>(node) >= fast_.size() || !fast_[node]) return nullptr;
  return fast_[node]->summary();
}

bool all_inputs_constant(const Graph& graph, const Node& node) {
  for (int t : node.inputs)
    if (t != kNoTensor && !graph.tensor(t).is_constant()) return false;
  return true;
}

void evaluate_constant_node(Graph& graph, const Node& node) {
  std::vector<TensorView> views(graph.tensors.size());
  std::vector<std::shared_ptr<Bytes>> results;
  for (int t : node.inputs) {
    if (t == kNoTensor) continue;
    const Tensor& tensor = graph.tensor(t);
    views[t] = TensorView{tensor.dtype, tensor.shape, const_cast<uint8_t*>(tensor.data->data()),
                          tensor.quant.empty() ? nullptr : &tensor.quant};
  }
  for (int t : node.outputs) {
    const Tensor& tensor = graph.tensor(t);
    results.push_back(std::make_shared<Bytes>(tensor.byte_size()));
    views[t] = TensorView{tensor.dtype, tensor.shape, results.back()->data(),
                          tensor.quant.empty() ? nullptr : &tensor.quant};
  }
  KernelContext ctx = make_context(node, views);
  op_def(node.op).eval(ctx);
  for (size_t i = 0; i < node.outputs.size(); ++i) graph.tensor(node.outputs[i]).data = results[i];
}

}  // namespace octet
