// Concat: joins tensors along "axis"; TFLite's fused activation goes in
// "activation". Any dtype (exporters concatenate int64 shape pieces).
#include "export/tflite_op_writer.h"
#include "import/onnx_importer.h"
#include "import/tflite_importer.h"
#include "ops/data_movement.h"
#include "ops/int8_eval.h"
#include "ops/op_def.h"
#include "ops/op_util.h"
#include "ops/permute_util.h"
#include "runtime/int8/concatenation.h"
#include "runtime/int8/vector_blocks.h"

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

// TFLite's int8 CONCATENATION, preceded by the QUANTIZE a TFLite model needs
// for each input quantized unlike the output (the kernel requantizes those).
int8::ConcatenationParams prepare_concat_int8(const KernelContext& ctx, int axis) {
  std::vector<std::vector<int64_t>> shapes;
  std::vector<int8::Affine> quants;
  for (size_t i = 0; i < ctx.inputs.size(); ++i) {
    shapes.push_back(ctx.in(i).shape);
    quants.push_back(input_affine(ctx, i));
  }
  return int8::prepare_concatenation(shapes, axis, quants, output_affine(ctx));
}

// TFLite's CONCATENATION takes no fused activation (the writer adds one as
// its own operator, on like-quantized tensors): a clamp afterwards.
void eval_concat_int8(KernelContext& ctx, int axis) {
  with_node_in_errors(ctx, [&] {
    const int8::ConcatenationParams p = prepare_concat_int8(ctx, axis);
    std::vector<const int8_t*> inputs;
    for (const TensorView& in : ctx.inputs) inputs.push_back(in.as<int8_t>());
    int8_t* out = ctx.out().as<int8_t>();
    int8::concatenation(p, inputs.data(), out);
    const int8::ActivationRange range = int8::quantized_activation_range(activation_of(ctx.node), output_affine(ctx));
    int8::update_blocked(out, ctx.out().element_count(), [range](int8_t v) { return int8::clamp_to(range, v); });
  });
}

// Each output row (everything before the axis) is the inputs' rows side by side.
void eval_concat(KernelContext& ctx) {
  const TensorView& out = ctx.out();
  const size_t axis = normalize_axis(ctx.node, ctx.node.attrs.get_int("axis", 0), out.rank());
  if (out.dtype == DType::Int8 && is_quantized(ctx)) return eval_concat_int8(ctx, static_cast<int>(axis));
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

// Layout: the joined axis follows the transpose; every input carries the layout.
std::optional<Permuted> permute_concat(const Graph& graph, Node& node, const std::vector<int64_t>& perm) {
  if (!permute_axis(node, perm, 0)) return std::nullopt;
  return permute_broadcast(graph, node, perm);
}

constexpr DTypeVersion kConcatenationVersions[] = {{DType::Int8, 2}, {DType::Int16, 3}};  // op_version.cc

// TFLite's CONCATENATION kernel rejects a fused activation (although the
// options have one), so an activation follows as its own operator.
void write_tflite_concat(TfliteOpWriter& w, const Node& n) {
  const Tensor &first = w.input_tensor(0), &y = w.output_tensor();
  const int axis = normalize_axis(n, n.attrs.get_int("axis", 0), static_cast<int>(first.shape.size()));
  const Activation activation = activation_of(n);
  // The int8 kernel copies stored values; the uint8 one rescales.
  if (first.dtype == DType::Int8)
    for (size_t i = 0; i < n.inputs.size(); ++i) w.require_same_quantization(i);
  TfliteOperator op{tflite::BuiltinOperator_CONCATENATION, version_for(kConcatenationVersions, first.dtype)};
  for (size_t i = 0; i < n.inputs.size(); ++i) op.inputs.push_back(w.input(i));
  op.outputs = {activation == Activation::None ? w.output() : w.add_intermediate("joined", y.dtype, y.shape, y.quant)};
  op.options_type = tflite::BuiltinOptions_ConcatenationOptions;
  op.options = tflite::CreateConcatenationOptions(w.builder(), axis).Union();
  w.add_operator(op);
  if (activation != Activation::None) add_activation(w, activation, y.dtype, op.outputs[0], w.output());
}

}  // namespace

OpDef define_Concat() {
  OpDef def{OpKind::Concat, infer_concat, eval_concat};
  def.onnx = {{"Concat", import_onnx_concat}};
  def.tflite = {{tflite::BuiltinOperator_CONCATENATION, import_tflite_concat}};
  def.permute = permute_concat;
  def.write_tflite = write_tflite_concat;
  def.quant = QuantTraits::shared_with_inputs();
  return def;
}

}  // namespace octet
