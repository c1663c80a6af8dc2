#include "runtime/xnn/operator.h"

#include <cmath>
#include <utility>

#include "graph/error.h"

namespace octet::xnn {

ThreadPool::ThreadPool(int threads) {
  if (threads > 1) pool_ = pthreadpool_create(static_cast<size_t>(threads));
}

ThreadPool::~ThreadPool() {
  if (pool_) pthreadpool_destroy(pool_);
}

Operator::Operator(xnn_operator_t op, std::vector<std::vector<float>> kept) : op_(op), kept_(std::move(kept)) {}

Operator::~Operator() { xnn_delete_operator(op_); }

void Operator::run(pthreadpool_t pool) const {
  // Setup already checked every parameter, so a failure here is a bug.
  if (xnn_run_operator(op_, pool) != xnn_status_success)
    fail(ErrorKind::Internal, "an XNNPACK operator failed to run");
}

Mapped set_up(const char* what, xnn_status created, xnn_operator_t op,
              const std::function<xnn_status(xnn_operator_t)>& setup, std::vector<std::vector<float>> kept) {
  if (created != xnn_status_success)
    return refuse(std::string("XNNPACK refused to create ") + what + " (status " + std::to_string(created) + ")");
  const xnn_status status = setup(op);
  if (status != xnn_status_success) {
    xnn_delete_operator(op);
    return refuse(std::string("XNNPACK refused to set up ") + what + " (status " + std::to_string(status) + ")");
  }
  return {std::make_unique<Operator>(op, std::move(kept)), ""};
}

OutputRange output_range(Activation activation) {
  switch (activation) {
    case Activation::Relu: return {0.0f, INFINITY};
    case Activation::Relu6: return {0.0f, 6.0f};
    case Activation::ReluN1To1: return {-1.0f, 1.0f};
    case Activation::None: break;
  }
  return {-INFINITY, INFINITY};
}

bool constant_weights(const Binding& b) { return b.is_constant(1) && (!b.has_input(2) || b.is_constant(2)); }

namespace {

using Mapper = Mapped (*)(const Binding&);

// Every IR op XNNPACK has an operator for. The rest (data movement such as
// Reshape, Concat, Transpose, Pad; Tanh, HardSigmoid, LogSoftmax, ReduceMax,
// MatMul of two activations, BatchNorm, Gather, nearest-neighbour Resize),
// XNNPACK of 2022 has no float operator for, or they move memory that the
// reference kernels already move at memcpy speed.
const std::pair<OpKind, Mapper> kMappers[] = {
    {OpKind::Conv2D, map_conv2d},
    {OpKind::ConvTranspose2D, map_conv_transpose2d},
    {OpKind::FullyConnected, map_fully_connected},
    {OpKind::MaxPool2D, map_max_pool2d},
    {OpKind::AvgPool2D, map_avg_pool2d},
    {OpKind::ReduceMean, map_reduce_mean},
    {OpKind::Add, map_binary},
    {OpKind::Sub, map_binary},
    {OpKind::Mul, map_binary},
    {OpKind::Div, map_binary},
    {OpKind::Relu, map_clamp},
    {OpKind::Clip, map_clamp},
    {OpKind::Sigmoid, map_sigmoid},
    {OpKind::HardSwish, map_hard_swish},
    {OpKind::LeakyRelu, map_leaky_relu},
    {OpKind::PRelu, map_prelu},
    {OpKind::Softmax, map_softmax},
    {OpKind::Resize, map_resize},
};

bool xnnpack_ready() {
  static const bool ready = xnn_initialize(nullptr) == xnn_status_success;
  return ready;
}

}  // namespace

Mapped map_node(const Binding& b) {
  Mapper mapper = nullptr;
  for (const auto& [op, m] : kMappers)
    if (op == b.node.op) mapper = m;
  if (!mapper) return refuse("XNNPACK has no operator for it");
  if (!xnnpack_ready()) return refuse("XNNPACK did not initialize (unsupported CPU)");
  return mapper(b);
}

}  // namespace octet::xnn
