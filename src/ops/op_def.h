// What octet knows about one IR op, gathered in one place: shape inference, the
// float kernel, and the ONNX and TFLite ops that import into it. Each op file
// (ops/<name>.cc) defines `OpDef define_<Name>()`; ops/op_list.inc lists them.
#pragma once
#include <vector>

#include "graph/graph.h"

namespace octet {

class KernelContext;
class OnnxNodeImporter;
class TfliteOpImporter;

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

struct OpDef {
  OpKind kind;
  // Sets the dtype and shape of the node's outputs; throws Error(BadShape or
  // Unsupported) naming the node when inputs and attributes do not fit.
  void (*infer)(Graph& graph, const Node& node) = nullptr;
  // Reference kernel. Float32 for compute ops; ops that appear in shape
  // arithmetic also handle int32/int64 so importers can fold them.
  void (*eval)(KernelContext& ctx) = nullptr;
  std::vector<OnnxMapping> onnx;
  std::vector<TfliteMapping> tflite;
};

const OpDef& op_def(OpKind kind);
const std::vector<const OpDef*>& all_op_defs();

#define OCTET_OP(name) OpDef define_##name();
#include "ops/op_list.inc"
#undef OCTET_OP

}  // namespace octet
