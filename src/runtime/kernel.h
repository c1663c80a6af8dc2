// What a kernel sees: its node, and views of its input and output buffers.
#pragma once
#include <vector>

#include "graph/graph.h"

namespace octet {

struct TensorView {
  DType dtype = DType::Float32;
  Shape shape;
  void* data = nullptr;  // null for an absent optional input
  // The tensor's quantization (scales, zero points) for integer kernels; null
  // when unquantized.
  const QuantParams* quant = nullptr;

  explicit operator bool() const { return data != nullptr; }
  int64_t element_count() const { return octet::element_count(shape); }
  int rank() const { return static_cast<int>(shape.size()); }
  template <typename T> T* as() const { return static_cast<T*>(data); }
};

class KernelContext {
 public:
  KernelContext(const Node& node, std::vector<TensorView> inputs, std::vector<TensorView> outputs)
      : node(node), inputs(std::move(inputs)), outputs(std::move(outputs)) {}
  const Node& node;
  std::vector<TensorView> inputs;
  std::vector<TensorView> outputs;

  const TensorView& in(size_t i) const { return inputs.at(i); }
  const TensorView& out(size_t i = 0) const { return outputs.at(i); }
  bool has_input(size_t i) const { return i < inputs.size() && inputs[i].data != nullptr; }
};

// Throws Error(Unsupported) naming the node: for a kernel asked to run a dtype it
// does not implement.
[[noreturn]] void unsupported_dtype(const KernelContext& ctx, DType dtype);

}  // namespace octet
