// FullyConnected: input [...,K], weights [O,K], optional bias [O] -> [...,O],
// with a fused activation. The weights are stored as TFLite stores them, so a
// product against constant weights is one GEMM with no repacking.
//
// Also home of ONNX Gemm, which becomes FullyConnected when its weights are
// constant and otherwise MatMul / Transpose / Mul / Add.
#include <algorithm>

#include "export/tflite_op_writer.h"
#include "import/onnx_importer.h"
#include "import/tflite_importer.h"
#include "ops/conv_window.h"
#include "ops/int8_eval.h"
#include "ops/op_def.h"
#include "ops/op_util.h"
#include "runtime/gemm.h"
#include "runtime/int8/fully_connected.h"
#include "runtime/int8/fully_connected_fast.h"
#include "runtime/int8/kernel_choice.h"
#include "runtime/kernel.h"

namespace octet {
namespace {

void infer_fully_connected(Graph& g, const Node& n) {
  const Tensor& x = input_of(g, n, 0);
  const Tensor& w = input_of(g, n, 1);
  if (x.shape.empty() || w.shape.size() != 2 || x.shape.back() != w.shape[1])
    shape_error(n, "input " + shape_string(x.shape) + " does not fit weights " + shape_string(w.shape) +
                       " ([O,K] against [...,K])");
  if (n.has_input(2) && input_of(g, n, 2).element_count() != w.shape[0])
    shape_error(n, "bias " + shape_string(input_of(g, n, 2).shape) + " does not have " +
                       std::to_string(w.shape[0]) + " values");
  Shape out = x.shape;
  out.back() = w.shape[0];
  set_output(g, n, 0, x.dtype, out);
}

// TFLite's int8 FULLY_CONNECTED parameters: per-tensor weights may carry a
// zero point, per-channel ones (axis 0) must be symmetric.
int8::FullyConnectedParams prepare_fully_connected_int8(const KernelContext& ctx) {
  const Shape& w = ctx.in(1).shape;
  const int64_t depth = w[1];
  require_input_dtype(ctx, 1, DType::Int8);
  const QuantParams& weights = input_quant(ctx, 1);
  const bool per_tensor = weights.scales.size() == 1;
  return int8::prepare_fully_connected(
      static_cast<int>(ctx.in(0).element_count() / depth), static_cast<int>(depth), static_cast<int>(w[0]),
      input_affine(ctx, 0), per_tensor ? weights.scales : symmetric_weight_scales(ctx, 1),
      per_tensor ? static_cast<int32_t>(weights.zero_points[0]) : 0, output_affine(ctx), activation_of(ctx.node));
}

void eval_fully_connected_int8(KernelContext& ctx) {
  with_node_in_errors(ctx, [&] {
    const int8::FullyConnectedParams p = prepare_fully_connected_int8(ctx);
    // fully_connected_fast.h computes the reference's integers, faster.
    (int8::reference_kernels() ? int8::fully_connected : int8::fully_connected_fast)(
        p, ctx.in(0).as<int8_t>(), ctx.in(1).as<int8_t>(), int32_bias(ctx, 2), ctx.out().as<int8_t>());
  });
}

void eval_fully_connected(KernelContext& ctx) {
  const TensorView &x = ctx.in(0), &w = ctx.in(1), &y = ctx.out();
  if (x.dtype == DType::Int8) return eval_fully_connected_int8(ctx);
  if (y.dtype != DType::Float32) unsupported_dtype(ctx, y.dtype);
  const int64_t depth = w.shape[1], units = w.shape[0], rows = x.element_count() / depth;
  MutMatrix out{y.as<float>(), rows, units, units};
  fill_rows(out, ctx.has_input(2) ? ctx.in(2).as<float>() : nullptr);
  gemm_accumulate_abt({x.as<float>(), rows, depth, depth}, {w.as<float>(), units, depth, depth}, out);
  apply_activation(activation_of(ctx.node), y.as<float>(), y.element_count());
}

// --- ONNX Gemm: Y = alpha * A' * B' + beta * C, A' = transA ? A^T : A -------------

// beta * C as a bias of `units` values, when C is a constant that broadcasts
// to [1, units]; -1 otherwise.
int gemm_bias(OnnxNodeImporter& node, float beta, int64_t units) {
  if (!node.input_is_constant(2)) return -1;
  const Shape& shape = node.input_tensor(2).shape;
  const int64_t last = shape.empty() ? 1 : shape.back();
  if (shape.size() > 2 || (shape.size() == 2 && shape[0] != 1) || (last != 1 && last != units)) return -1;
  const std::vector<float> c = node.constant_floats(2);
  std::vector<float> bias(units);
  for (int64_t o = 0; o < units; ++o) bias[o] = beta * c[last == 1 ? 0 : o];
  return node.constant<float>("bias", {units}, bias);
}

int scalar(OnnxNodeImporter& node, const char* name, float value) {
  return node.constant<float>(name, {}, {value});
}

// The final node: product + beta * C.
void emit_plus_scaled_c(OnnxNodeImporter& node, int product, float beta) {
  const int c = beta == 1.0f ? node.input(2) : node.add(OpKind::Mul, {node.input(2), scalar(node, "beta", beta)});
  node.emit(OpKind::Add, {product, c});
}

// Constant B, A not transposed: FullyConnected with W = alpha * B'^T and,
// when C fits, bias = beta * C.
void import_gemm_as_fully_connected(OnnxNodeImporter& node, float alpha, float beta, bool trans_b, bool has_c) {
  int w = trans_b ? node.input(1) : node.transpose(node.input(1), {1, 0});
  if (alpha != 1.0f) w = node.add(OpKind::Mul, {w, scalar(node, "alpha", alpha)});
  std::vector<int> inputs{node.input(0), w};
  const int bias = has_c ? gemm_bias(node, beta, node.tensor(w).shape[0]) : -1;
  if (bias >= 0) inputs.push_back(bias);
  if (!has_c || bias >= 0) return node.emit(OpKind::FullyConnected, inputs);
  emit_plus_scaled_c(node, node.add(OpKind::FullyConnected, inputs), beta);
}

void import_gemm_as_matmul(OnnxNodeImporter& node, float alpha, float beta, bool trans_a, bool trans_b,
                           bool has_c) {
  const int a = trans_a ? node.transpose(node.input(0), {1, 0}) : node.input(0);
  const int b = trans_b ? node.transpose(node.input(1), {1, 0}) : node.input(1);
  if (alpha == 1.0f && !has_c) return node.emit(OpKind::MatMul, {a, b});
  int product = node.add(OpKind::MatMul, {a, b});
  if (!has_c) return node.emit(OpKind::Mul, {product, scalar(node, "alpha", alpha)});
  if (alpha != 1.0f) product = node.add(OpKind::Mul, {product, scalar(node, "alpha", alpha)});
  emit_plus_scaled_c(node, product, beta);
}

void import_onnx_gemm(OnnxNodeImporter& node) {
  const float alpha = node.attr_float("alpha", 1.0f), beta = node.attr_float("beta", 1.0f);
  const bool trans_a = node.attr_int("transA", 0) != 0, trans_b = node.attr_int("transB", 0) != 0;
  if (node.input_tensor(0).shape.size() != 2 || node.input_tensor(1).shape.size() != 2)
    node.bad_shape("A " + shape_string(node.input_tensor(0).shape) + " and B " +
                   shape_string(node.input_tensor(1).shape) + " must be 2-D");
  const bool has_c = node.has_input(2) && beta != 0.0f;
  if (node.input_is_constant(1) && !trans_a) return import_gemm_as_fully_connected(node, alpha, beta, trans_b, has_c);
  import_gemm_as_matmul(node, alpha, beta, trans_a, trans_b, has_c);
}

// --- TFLite -------------------------------------------------------------------

// Without keep_num_dims TFLite reads the input as [size / K, K] whatever its
// shape, and so does the output; with it, the output keeps the input's
// leading dimensions.
void import_tflite_fully_connected(TfliteOpImporter& op) {
  const tflite::FullyConnectedOptions* o = op.op().builtin_options_as_FullyConnectedOptions();
  if (o && o->weights_format() != tflite::FullyConnectedOptionsWeightsFormat_DEFAULT)
    op.unsupported("shuffled (SHUFFLED4x16INT8) weights");
  const Shape &x = op.input_tensor(0).shape, &w = op.input_tensor(1).shape;
  if (w.size() != 2 || w[1] < 1 || element_count(x) % w[1])
    op.bad_shape("input " + shape_string(x) + " does not fit weights " + shape_string(w));
  const int64_t depth = w[1];
  int input = op.input(0);
  const bool keep_num_dims = o && o->keep_num_dims();
  if (keep_num_dims && x.back() != depth)
    op.bad_shape("keep_num_dims needs the input's last dimension to be " + std::to_string(depth));
  if (!keep_num_dims && (x.size() != 2 || x[1] != depth))
    input = reshape_to(op, input, {element_count(x) / depth, depth});
  Attributes attrs;
  op.set_activation(attrs, o ? o->fused_activation_function() : tflite::ActivationFunctionType_NONE);
  std::vector<int> inputs{input, op.input(1)};
  if (op.has_input(2)) inputs.push_back(op.input(2));
  op.emit(OpKind::FullyConnected, inputs, std::move(attrs), 1);
}

// --- TFLite writer --------------------------------------------------------------

// Versions from op_version.cc: the int8 kernel is v4, keep_num_dims v5.
constexpr DTypeVersion kFullyConnectedVersions[] = {{DType::Int8, 4}};

// An input of rank other than 2 keeps its leading dimensions (keep_num_dims).
// A missing bias is written as an omitted input (-1), as the TFLite converter
// does, which every FULLY_CONNECTED version reads.
void write_tflite_fully_connected(TfliteOpWriter& w, const Node& n) {
  const Tensor& x = w.input_tensor(0);
  const bool keep_num_dims = x.shape.size() != 2;
  TfliteOperator op{tflite::BuiltinOperator_FULLY_CONNECTED,
                    std::max(version_for(kFullyConnectedVersions, x.dtype), keep_num_dims ? 5 : 1),
                    {w.input(0), w.input(1), w.input(2)},
                    {w.output()}};
  op.options_type = tflite::BuiltinOptions_FullyConnectedOptions;
  op.options = tflite::CreateFullyConnectedOptions(w.builder(), fused_activation(n),
                                                   tflite::FullyConnectedOptionsWeightsFormat_DEFAULT, keep_num_dims)
                   .Union();
  w.add_operator(op);
}

}  // namespace

OpDef define_FullyConnected() {
  OpDef def{OpKind::FullyConnected, infer_fully_connected, eval_fully_connected};
  def.onnx = {{"Gemm", import_onnx_gemm}};
  def.tflite = {{tflite::BuiltinOperator_FULLY_CONNECTED, import_tflite_fully_connected}};
  def.write_tflite = write_tflite_fully_connected;
  def.quant = QuantTraits::weighted(1, 2, /*per_channel=*/false);  // many runtimes reject per-channel FC
  return def;
}

}  // namespace octet
