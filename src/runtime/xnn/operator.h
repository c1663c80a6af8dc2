// The Engine's fast float path: an operator made once per node (at Engine
// construction, when the weights are constants that can be packed) and set
// up once on the Engine's buffers, which never move, so a run is only
// FastOp::run. Nearly all are XNNPACK operators; depthwise convolutions run
// our own kernel (runtime/float_depthwise.h), faster than XNNPACK's of 2022,
// and so do 1x1 convolutions on AVX-512 (runtime/float_pointwise.h), as fast
// as XNNPACK's and able to summarise their output for calibration.
// Each op family maps its nodes in its own file here (convolution.cc,
// pooling.cc, ...); operator.cc holds the one table.
//
// A mapping refuses, with a reason, what it cannot compute as the reference
// kernel does (up to float rounding); the Engine then runs that node's
// OpDef::eval.
#pragma once
#include <xnnpack.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "ops/op_util.h"
#include "runtime/float_depthwise.h"
#include "runtime/kernel.h"
#include "runtime/output_summary.h"

namespace octet::xnn {

// XNNPACK's kernels may read (never use) this many bytes past the end of an
// input they stream, so every buffer they read is allocated that much longer.
constexpr size_t kReadPastEnd = XNN_EXTRA_BYTES;

// pthreadpool with `threads` workers, or none (the calling thread) for 1.
class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  pthreadpool_t get() const { return pool_; }

 private:
  pthreadpool_t pool_ = nullptr;
};

// One node's computation, bound to its buffers.
class FastOp {
 public:
  virtual ~FastOp() = default;
  virtual void run(pthreadpool_t pool) const = 0;
  // The summary of the output from the last run, for an op that makes one
  // (asked by Binding::summarise; not on a thread pool); null otherwise.
  virtual const OutputSummary* summary() const { return nullptr; }
};

// One node's XNNPACK operator, already set up on its buffers.
class Operator : public FastOp {
 public:
  // `kept`: constant operands XNNPACK reads at run time, copied with padding.
  Operator(xnn_operator_t op, std::vector<std::vector<float>> kept);
  ~Operator() override;
  Operator(const Operator&) = delete;
  Operator& operator=(const Operator&) = delete;
  void run(pthreadpool_t pool) const override;

 private:
  xnn_operator_t op_;
  std::vector<std::vector<float>> kept_;
};

// The operator for a node, or why there is none.
struct Mapped {
  std::unique_ptr<FastOp> op;
  std::string refusal;
};

inline Mapped refuse(std::string why) { return {nullptr, std::move(why)}; }

// One node, the Engine's views of every tensor (by id; non-constant buffers
// padded by kReadPastEnd) and the pool its operator will run on.
struct Binding {
  const Graph& graph;
  const Node& node;
  const std::vector<TensorView>& views;
  pthreadpool_t pool;
  bool summarise;  // ops that can summarise their output (output_summary.h) should
  bool own_kernels;  // our kernels may take the node (EngineOptions::own_kernels)

  bool has_input(size_t i) const { return i < node.inputs.size() && node.inputs[i] != kNoTensor; }
  const TensorView& in(size_t i) const { return views[node.inputs.at(i)]; }
  const TensorView& out(size_t i = 0) const { return views[node.outputs.at(i)]; }
  const float* in_data(size_t i) const { return in(i).as<const float>(); }
  const float* optional_in_data(size_t i) const { return has_input(i) ? in_data(i) : nullptr; }
  float* out_data(size_t i = 0) const { return out(i).as<float>(); }
  bool is_constant(size_t i) const { return graph.tensor(node.inputs.at(i)).is_constant(); }
};

// Finishes a mapping: checks what create returned, sets the operator up on
// the node's buffers with `setup`, and wraps it; a status other than success
// becomes a refusal naming it (XNNPACK rejects parameters it has no kernel for).
Mapped set_up(const char* what, xnn_status created, xnn_operator_t op,
              const std::function<xnn_status(xnn_operator_t)>& setup, std::vector<std::vector<float>> kept = {});

// A window size, stride, dilation or padding as XNNPACK's argument type.
inline uint32_t u32(int64_t v) { return static_cast<uint32_t>(v); }

// The [min, max] clamp a fused activation asks XNNPACK for.
struct OutputRange {
  float min, max;
};
OutputRange output_range(Activation activation);

// True when the weights (input 1) and the optional bias (input 2) are
// constants, as XNNPACK needs: it packs them when it creates the operator.
bool constant_weights(const Binding& b);

// The operator for a float node: every present input and output is float32.
Mapped map_node(const Binding& b);

// Per op family (one file each).
Mapped map_conv2d(const Binding& b);
Mapped map_depthwise(const Binding& b);  // ours, or a refusal for map_conv2d to take
// The geometry of a depthwise Conv2D node: input x, weights w, output y.
DepthwiseGeometry depthwise_geometry(const Node& node, const Shape& x, const Shape& w, const Shape& y);
Mapped map_pointwise(const Binding& b);  // ours, or a refusal for map_conv2d to take
Mapped map_conv_transpose2d(const Binding& b);
Mapped map_fully_connected(const Binding& b);
Mapped map_max_pool2d(const Binding& b);
Mapped map_avg_pool2d(const Binding& b);
Mapped map_reduce_mean(const Binding& b);
Mapped map_binary(const Binding& b);
Mapped map_clamp(const Binding& b);
Mapped map_sigmoid(const Binding& b);
Mapped map_hard_swish(const Binding& b);
Mapped map_leaky_relu(const Binding& b);
Mapped map_prelu(const Binding& b);
Mapped map_softmax(const Binding& b);
Mapped map_resize(const Binding& b);

}  // namespace octet::xnn
