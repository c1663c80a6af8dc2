// Concat: joins tensors along "axis"; TFLite's fused activation goes in
// "activation". Any dtype (exporters concatenate int64 shape pieces).
#include "import/onnx_importer.h"
#include "import/tflite_importer.h"
#include "ops/data_movement.h"
#include "ops/op_def.h"
#include "ops/op_util.h"

namespace octet {
namespace {

void infer_concat(Graph& g, const Node& n) {
  if (n.inputs.empty()) shape_error(n, "needs at least one input");
  const Tensor& first = input_of(g, n, 0);
  const int rank = static_cast<int>(first.shape.size());
  if (rank == 0) shape_error(n, "cannot concatenate scalars");
  const int axis = normalize_axis(n, n.attrs.get_int("axis", 0), rank);
  Shape out = first.shape;
  for (size_t i = 1; i < n.inputs.size(); ++i) {
    const Tensor& t = input_of(g, n, i);
    if (t.dtype != first.dtype) shape_error(n, "inputs have different dtypes");
    bool fits = static_cast<int>(t.shape.size()) == rank;
    for (int d = 0; fits && d < rank; ++d) fits = d == axis || t.shape[d] == first.shape[d];
    if (!fits) shape_error(n, "input " + std::to_string(i) + " shape " + shape_string(t.shape) +
                                  " does not fit " + shape_string(first.shape) + " on axis " + std::to_string(axis));
    out[axis] += t.shape[axis];
  }
  set_output(g, n, 0, first.dtype, out);
}

// Each output row (everything before the axis) is the inputs' rows side by side.
void eval_concat(KernelContext& ctx) {
  const TensorView& out = ctx.out();
  const size_t axis = normalize_axis(ctx.node, ctx.node.attrs.get_int("axis", 0), out.rank());
  const int64_t outer = dims_product(out.shape, 0, axis);
  const size_t bytes = element_bytes(out);
  uint8_t* dst = out.as<uint8_t>();
  for (int64_t o = 0; o < outer; ++o) {
    for (const TensorView& in : ctx.inputs) {
      const size_t row = dims_product(in.shape, axis, in.shape.size()) * bytes;
      std::memcpy(dst, in.as<uint8_t>() + o * row, row);
      dst += row;
    }
  }
  if (out.dtype == DType::Float32) apply_activation(activation_of(ctx.node), out.as<float>(), out.element_count());
}

void import_onnx_concat(OnnxNodeImporter& node) {
  std::vector<int> inputs;
  for (size_t i = 0; i < node.input_count(); ++i) inputs.push_back(node.input(i));
  Attributes attrs;
  attrs.set("axis", node.attr_int("axis", 0));
  node.emit(OpKind::Concat, inputs, attrs);
}

void import_tflite_concat(TfliteOpImporter& op) {
  const auto* options = op.op().builtin_options_as_ConcatenationOptions();
  Attributes attrs;
  attrs.set("axis", static_cast<int64_t>(options ? options->axis() : 0));
  op.set_activation(attrs, options ? options->fused_activation_function() : tflite::ActivationFunctionType_NONE);
  std::vector<int> inputs;
  for (size_t i = 0; i < op.input_count(); ++i) inputs.push_back(op.input(i));
  op.emit(OpKind::Concat, inputs, attrs);
}

}  // namespace

OpDef define_Concat() {
  OpDef def{OpKind::Concat, infer_concat, eval_concat};
  def.onnx = {{"Concat", import_onnx_concat}};
  def.tflite = {{tflite::BuiltinOperator_CONCATENATION, import_tflite_concat}};
  return def;
}

}  // namespace octet
