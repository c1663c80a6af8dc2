// The part of importing that ONNX and TFLite share: turning one source op into
// IR nodes. Op files' import mappings use this API; each importer derives from
// it to add its format's attribute and operand access.
//
// Outputs: a mapping either `emit`s its final IR node, whose outputs take the
// source op's output names (and, from a quantized file, their quantization),
// or `alias_output`s a source output to an existing tensor (Identity-like ops).
// Intermediate nodes come from `add`; a Reshape or Transpose passes its
// input's quantization on. Any node whose inputs are all constant is evaluated
// at once (shape arithmetic folds away).
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "graph/graph.h"

namespace octet {

class NodeBuilder {
 public:
  NodeBuilder(Graph& graph, std::unordered_map<std::string, int>& values, std::string node_name,
              std::string description, std::vector<std::string> output_names);
  virtual ~NodeBuilder() = default;

  Graph& graph() { return graph_; }
  const std::string& name() const { return node_name_; }
  const Tensor& tensor(int id) const { return graph_.tensor(id); }
  size_t output_count() const { return output_names_.size(); }

  // Adds an intermediate single-output node; returns its output tensor id.
  int add(OpKind op, std::vector<int> inputs, Attributes attrs = {});
  // Adds the final node, producing the source op's first `num_outputs` outputs
  // (all when negative).
  void emit(OpKind op, std::vector<int> inputs, Attributes attrs = {}, int num_outputs = -1);
  void alias_output(size_t index, int tensor_id);
  // Adds a constant tensor named after this node.
  int constant(Tensor tensor);
  template <typename T> int constant(const std::string& suffix, Shape shape, const std::vector<T>& v) {
    return constant(make_constant<T>(node_name_ + "/" + suffix, std::move(shape), v));
  }

  // Layout helpers for NCHW source ops mapped onto NHWC IR ops. A constant
  // operand is permuted in place of adding a Transpose node; a per-channel
  // axis moves with its dimension.
  int transpose(int tensor_id, const std::vector<int64_t>& perm);
  int to_channels_last(int tensor_id);   // [N,C,d1..dk] -> [N,d1..dk,C]
  int to_channels_first(int tensor_id);  // [N,d1..dk,C] -> [N,C,d1..dk]

  // Error(Unsupported / BadShape) naming the node and its op.
  [[noreturn]] void unsupported(const std::string& why) const;
  [[noreturn]] void bad_shape(const std::string& why) const;

 protected:
  Graph& graph_;
  std::unordered_map<std::string, int>& values_;  // source tensor name -> IR id
  std::string node_name_;
  std::string description_;  // e.g. "Conv, opset 13" or "CONV_2D v2"
  std::vector<std::string> output_names_;
  int intermediates_ = 0;

  // The quantization of the source op's output i; none unless the format has it.
  virtual QuantParams output_quant(size_t) const { return {}; }
  QuantParams moved_quant(const Node& node) const;
  void fold_last_node_if_constant();
};

}  // namespace octet
