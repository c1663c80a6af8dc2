// What octet knows about one IR op, gathered in one place: shape inference, the
// float kernel, and the ONNX and TFLite ops that import into it. Each op file
// (ops/<name>.cc) defines `OpDef define_<Name>()`; ops/op_list.inc lists them.
#pragma once
#include <optional>
#include <vector>

#include "graph/graph.h"
#include "ops/quant_traits.h"

namespace octet {

class KernelContext;
class OnnxNodeImporter;
class TfliteOpImporter;
class TfliteOpWriter;

// Imports one ONNX node (of `op_type`) by adding IR nodes through the importer.
struct OnnxMapping {
  const char* op_type;
  void (*import)(OnnxNodeImporter& node);
};

// Imports one TFLite operator with builtin code `builtin` (tflite::BuiltinOperator).
struct TfliteMapping {
  int builtin;
  void (*import)(TfliteOpImporter& op);
};

// How a node reads transposed inputs once the layout pass has moved the
// transpose past it: the answer of OpDef::permute.
struct Permuted {
  std::vector<size_t> inputs;        // the inputs that carry the layout (BatchNorm: X, not its parameters)
  std::vector<int64_t> output_perm;  // the transpose that turns each new output into the old one
};

struct OpDef {
  OpKind kind;
  // Sets the dtype and shape of the node's outputs; throws Error(BadShape or
  // Unsupported) naming the node when inputs and attributes do not fit.
  void (*infer)(Graph& graph, const Node& node) = nullptr;
  // Reference kernel, dispatching on dtype as TFLite's do: float32, and
  // int8 with the tensors' quantization for ops that have an int8 TFLite
  // kernel; ops that appear in shape arithmetic also handle int32/int64 so
  // importers can fold them.
  void (*eval)(KernelContext& ctx) = nullptr;
  std::vector<OnnxMapping> onnx;
  std::vector<TfliteMapping> tflite;
  // Writes the node as TFLite operators (export/tflite_op_writer.h). Ops with
  // no TFLite form set one that names the pass that removes them.
  void (*write_tflite)(TfliteOpWriter& writer, const Node& node) = nullptr;
  // Layout: with y = Transpose(x, perm) (dimension d of y is dimension
  // perm[d] of x) on its layout inputs, rewrites the node's attributes so that
  // it reads x there instead, and says which inputs those are and how its new
  // outputs transpose into the old ones. nullopt when the op cannot commute
  // with `perm`. Null for ops that never commute (spatial NHWC ops,
  // FullyConnected, MatMul; Transpose itself is composed by the pass).
  std::optional<Permuted> (*permute)(const Graph& graph, Node& node, const std::vector<int64_t>& perm) = nullptr;
  // How the quantizer makes the op int8 (ops/quant_traits.h); the default
  // refuses it.
  QuantTraits quant;
};

const OpDef& op_def(OpKind kind);
const std::vector<const OpDef*>& all_op_defs();

#define OCTET_OP(name) OpDef define_##name();
#include "ops/op_list.inc"
#undef OCTET_OP

}  // namespace octet
