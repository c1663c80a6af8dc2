// What an op's TFLite writer mapping (OpDef::write_tflite) works with: the
// node being written, file tensors for its operands, derived constants and
// intermediate tensors, and the operators it becomes, each with its builtin
// code, version and options. The model-level bookkeeping (buffers, operator
// codes, tensor numbering) lives behind it in TfliteModelBuilder.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "graph/error.h"
#include "graph/graph.h"
#include "ops/op_util.h"
#include "tflite_generated.h"

namespace octet {

class TfliteModelBuilder;

// One operator of the file. Tensors are file tensor indices; -1 marks an
// omitted optional input. Options are built in writer.builder() beforehand.
struct TfliteOperator {
  tflite::BuiltinOperator code = tflite::BuiltinOperator_ADD;
  int version = 1;
  std::vector<int> inputs, outputs;
  tflite::BuiltinOptions options_type = tflite::BuiltinOptions_NONE;
  flatbuffers::Offset<void> options = 0;
};

// Operator versions follow TFLite's tools/versioning/op_version.cc, the table
// the TFLite converter writes from. Each op file keeps, as data, the versions
// that the data type selects (unlisted types get version 1); features that
// need a newer kernel (dilation, keep_num_dims, a fused activation, ...) raise
// the result with std::max. For every feature combination octet writes, the
// maximum equals what op_version.cc's first-match rules return.
struct DTypeVersion {
  DType dtype;
  int version;
};

template <size_t N>
int version_for(const DTypeVersion (&table)[N], DType dtype) {
  for (const DTypeVersion& entry : table)
    if (entry.dtype == dtype) return entry.version;
  return 1;
}

class TfliteOpWriter {
 public:
  TfliteOpWriter(TfliteModelBuilder& model, const Graph& graph, const Node& node)
      : model_(model), graph_(graph), node_(node) {}

  const Graph& graph() const { return graph_; }
  const Node& node() const { return node_; }
  const Tensor& input_tensor(size_t i) const { return graph_.tensor(node_.inputs.at(i)); }
  const Tensor& output_tensor(size_t i = 0) const { return graph_.tensor(node_.outputs.at(i)); }
  bool has_input(size_t i) const { return node_.has_input(i); }
  flatbuffers::FlatBufferBuilder& builder();

  // File tensors of the node's operands (-1 for an absent optional input).
  int input(size_t i);
  int output(size_t i = 0);
  // A new constant, named "<node>/<tensor.name>"; for operands TFLite wants in
  // another layout or type than the IR keeps (weights, shapes, axes).
  int add_constant(Tensor tensor);
  // An int32 constant (shape operands, axes, paddings): 1-D, or of `shape`.
  // unsupported() when a value does not fit int32.
  int add_int32s(const std::string& name, const std::vector<int64_t>& values);
  int add_int32s(const std::string& name, const std::vector<int64_t>& values, Shape shape);
  // A new non-constant tensor between two operators of this node.
  int add_intermediate(const std::string& name, DType dtype, Shape shape, QuantParams quant = {});
  void add_operator(TfliteOperator op);

  // Error(Unsupported) naming the node: the IR node has no exact TFLite form.
  [[noreturn]] void unsupported(const std::string& why) const;
  // TFLite's kernels for ops that move stored values (reshapes, slices,
  // pads, max, pools, resize) do not rescale: unsupported() unless output
  // `out` is quantized exactly as input `in` (both float passes).
  void require_same_quantization(size_t in = 0, size_t out = 0) const;

 private:
  TfliteModelBuilder& model_;
  const Graph& graph_;
  const Node& node_;
};

// A RESHAPE operator from file tensor `from` to `to`, of shape `shape`. The
// target goes in the options and, as current converters write it, in a shape
// input too; a scalar target only in the options, since an empty constant
// would read as a missing one.
void add_reshape(TfliteOpWriter& writer, int from, int to, const Shape& shape);

// The TFLite fused activation for a node's "activation" attribute.
tflite::ActivationFunctionType fused_activation(const Node& node);

// A RELU, RELU6 or RELU_N1_TO_1 operator from file tensor `from` to `to` of
// `dtype`: Relu and Clip nodes, and the activation of an op whose TFLite
// kernel rejects a fused one (CONCATENATION).
void add_activation(TfliteOpWriter& writer, Activation activation, DType dtype, int from, int to);

// A constant permuted by `perm` (output dim i = input dim perm[i]), computed
// by the Transpose op's own kernel; a per-axis quantization follows its axis.
Tensor permuted_constant(const Tensor& tensor, const std::vector<int64_t>& perm);

// A one-element constant ([1]) of `like`'s dtype and quantization holding the
// real `value`: quantized (round half away from zero, then saturated) when
// `like` is quantized, saturated to the type's range otherwise.
Tensor scalar_like(const std::string& name, const Tensor& like, double value);

// The TFLite tensor type of an IR dtype.
tflite::TensorType tflite_type(DType dtype);

}  // namespace octet
