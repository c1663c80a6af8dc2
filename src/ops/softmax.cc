// Softmax and LogSoftmax along one axis ("axis", negative counts from the end).
// Softmax also takes TFLite's "beta" (default 1): softmax(beta * x).
// Both subtract the maximum before exponentiating so large logits cannot overflow.
#include <algorithm>
#include <cmath>
#include <limits>

#include "export/tflite_op_writer.h"
#include "import/onnx_importer.h"
#include "import/tflite_importer.h"
#include "ops/int8_eval.h"
#include "ops/op_def.h"
#include "ops/op_util.h"
#include "ops/permute_util.h"
#include "runtime/int8/log_softmax.h"
#include "runtime/int8/softmax.h"
#include "runtime/kernel.h"

namespace octet {
namespace {

void infer_softmax(Graph& g, const Node& n) {
  const Tensor& x = input_of(g, n, 0);
  if (x.shape.empty()) shape_error(n, "input must have at least one dimension");
  normalize_axis(n, n.attrs.get_int("axis", -1), static_cast<int>(x.shape.size()));
  set_output(g, n, 0, x.dtype, x.shape);
}

// The input seen as [outer, axis, inner]: each of the outer*inner lanes is
// normalized over `axis` elements spaced `inner` apart.
struct Lanes {
  int64_t outer = 1, axis = 1, inner = 1;
};

Lanes lanes_of(const KernelContext& ctx) {
  const Shape& shape = ctx.in(0).shape;
  int axis = normalize_axis(ctx.node, ctx.node.attrs.get_int("axis", -1), static_cast<int>(shape.size()));
  Lanes lanes;
  for (int d = 0; d < static_cast<int>(shape.size()); ++d)
    (d < axis ? lanes.outer : d == axis ? lanes.axis : lanes.inner) *= shape[d];
  return lanes;
}

// Normalizes the lanes of one outer block, walking rows of `inner` contiguous
// lanes for cache locality.
template <bool kLog>
void normalize_block(const float* x, float* y, const Lanes& l, float beta, std::vector<float>& maxima,
                     std::vector<float>& sums) {
  maxima.assign(l.inner, -std::numeric_limits<float>::infinity());
  for (int64_t k = 0; k < l.axis; ++k)
    for (int64_t j = 0; j < l.inner; ++j) maxima[j] = std::max(maxima[j], beta * x[k * l.inner + j]);
  sums.assign(l.inner, 0.0f);
  for (int64_t k = 0; k < l.axis; ++k)
    for (int64_t j = 0; j < l.inner; ++j) {
      float shifted = beta * x[k * l.inner + j] - maxima[j];
      float e = std::exp(shifted);
      y[k * l.inner + j] = kLog ? shifted : e;
      sums[j] += e;
    }
  if (kLog)
    for (float& s : sums) s = std::log(s);
  for (int64_t k = 0; k < l.axis; ++k)
    for (int64_t j = 0; j < l.inner; ++j) {
      float& v = y[k * l.inner + j];
      v = kLog ? v - sums[j] : v / sums[j];
    }
}

// TFLite's int8 SOFTMAX, along any axis (the arithmetic is per lane).
void eval_softmax_int8(KernelContext& ctx) {
  with_node_in_errors(ctx, [&] {
    const int8::SoftmaxParams p =
        int8::prepare_softmax(input_affine(ctx, 0), output_affine(ctx), ctx.node.attrs.get_float("beta", 1.0f));
    const Lanes l = lanes_of(ctx);
    int8::softmax(p, ctx.in(0).as<int8_t>(), ctx.out().as<int8_t>(), l.outer, l.axis, l.inner);
  });
}

// TFLite's int8 LOG_SOFTMAX (reference kernel), along any axis.
void eval_log_softmax_int8(KernelContext& ctx) {
  with_node_in_errors(ctx, [&] {
    const int8::LogSoftmaxParams p = int8::prepare_log_softmax(
        input_affine(ctx, 0), output_affine(ctx), ctx.node.attrs.get_float("beta", 1.0f));
    const Lanes l = lanes_of(ctx);
    int8::log_softmax(p, ctx.in(0).as<int8_t>(), ctx.out().as<int8_t>(), l.outer, l.axis, l.inner);
  });
}

template <bool kLog>
void eval_softmax(KernelContext& ctx) {
  const TensorView &x = ctx.in(0), &y = ctx.out();
  if (x.dtype == DType::Int8) return kLog ? eval_log_softmax_int8(ctx) : eval_softmax_int8(ctx);
  if (x.dtype != DType::Float32) unsupported_dtype(ctx, x.dtype);
  const Lanes l = lanes_of(ctx);
  const float beta = ctx.node.attrs.get_float("beta", 1.0f);
  std::vector<float> maxima, sums;
  for (int64_t o = 0; o < l.outer; ++o) {
    const int64_t block = o * l.axis * l.inner;
    normalize_block<kLog>(x.as<float>() + block, y.as<float>() + block, l, beta, maxima, sums);
  }
}

Attributes axis_attrs(int64_t axis) {
  Attributes attrs;
  attrs.set("axis", axis);
  return attrs;
}

Attributes shape_attrs(Shape shape) {
  Attributes attrs;
  attrs.set("shape", std::move(shape));
  return attrs;
}

// Before opset 13, ONNX (Log)Softmax flattens the input to 2-D at `axis`
// (default 1) and normalizes each row. That is one IR axis when every
// dimension after `axis` is 1; otherwise a Reshape to 2-D and back.
// From opset 13 it normalizes along the single `axis` (default -1).
template <OpKind kind>
void import_onnx_softmax(OnnxNodeImporter& node) {
  int x = node.input(0);
  const Shape shape = node.tensor(x).shape;
  if (node.opset() >= 13) return node.emit(kind, {x}, axis_attrs(node.attr_int("axis", -1)));
  const int rank = static_cast<int>(shape.size());
  int64_t axis = node.attr_int("axis", 1);
  if (axis < -rank || axis >= std::max(rank, 1))
    node.bad_shape("axis " + std::to_string(axis) + " is out of range");
  if (axis < 0) axis += rank;
  int64_t rows = 1, row_size = 1;
  for (int d = 0; d < rank; ++d) (d < axis ? rows : row_size) *= shape[d];
  if (rank == 0 || row_size == shape[axis]) return node.emit(kind, {x}, axis_attrs(axis));
  int flat = node.add(OpKind::Reshape, {x}, shape_attrs({rows, row_size}));
  int normalized = node.add(kind, {flat}, axis_attrs(1));
  node.emit(OpKind::Reshape, {normalized}, shape_attrs(shape));
}

void import_tflite_softmax(TfliteOpImporter& op) {
  Attributes attrs = axis_attrs(-1);
  const auto* options = op.op().builtin_options_as_SoftmaxOptions();
  attrs.set("beta", options ? options->beta() : 1.0f);
  op.emit(OpKind::Softmax, {op.input(0)}, std::move(attrs));
}

void import_tflite_log_softmax(TfliteOpImporter& op) {
  op.emit(OpKind::LogSoftmax, {op.input(0)}, axis_attrs(-1));
}

// Layout: the normalized axis follows the transpose.
std::optional<Permuted> permute_softmax(const Graph&, Node& node, const std::vector<int64_t>& perm) {
  if (!permute_axis(node, perm, -1)) return std::nullopt;
  return Permuted{{0}, perm};
}

// ---- TFLite writer: versions from op_version.cc --------------------------------

constexpr DTypeVersion kSoftmaxVersions[] = {{DType::Int8, 2}, {DType::Int16, 3}};
constexpr DTypeVersion kLogSoftmaxVersions[] = {{DType::Int8, 2}};

// TFLite normalizes along the last dimension. When every dimension after the
// node's axis is 1 (NCHW logits [N,C,1,1]), RESHAPEs drop them around the
// operator; any other axis needs a layout pass to move it last first.
void write_normalization(TfliteOpWriter& w, const Node& n, TfliteOperator op) {
  const Tensor &x = w.input_tensor(0), &y = w.output_tensor();
  const int rank = static_cast<int>(x.shape.size());
  const int axis = normalize_axis(n, n.attrs.get_int("axis", -1), rank);
  if (axis == rank - 1) {
    op.inputs = {w.input(0)};
    op.outputs = {w.output()};
    return w.add_operator(op);
  }
  for (int d = axis + 1; d < rank; ++d)
    if (x.shape[d] != 1)
      w.unsupported("TFLite normalizes the last axis only, this node axis " + std::to_string(axis) + " of " +
                    shape_string(x.shape) + " (a layout pass moves it last)");
  const Shape lanes(x.shape.begin(), x.shape.begin() + axis + 1);
  const int flat_in = w.add_intermediate("lanes", x.dtype, lanes, x.quant);
  const int flat_out = w.add_intermediate("normalized", y.dtype, lanes, y.quant);
  add_reshape(w, w.input(0), flat_in, lanes);
  op.inputs = {flat_in};
  op.outputs = {flat_out};
  w.add_operator(op);
  add_reshape(w, flat_out, w.output(), y.shape);
}

void write_tflite_softmax(TfliteOpWriter& w, const Node& n) {
  TfliteOperator op{tflite::BuiltinOperator_SOFTMAX, version_for(kSoftmaxVersions, w.input_tensor(0).dtype)};
  op.options_type = tflite::BuiltinOptions_SoftmaxOptions;
  op.options = tflite::CreateSoftmaxOptions(w.builder(), n.attrs.get_float("beta", 1.0f)).Union();
  write_normalization(w, n, op);
}

void write_tflite_log_softmax(TfliteOpWriter& w, const Node& n) {
  write_normalization(w, n, {tflite::BuiltinOperator_LOG_SOFTMAX,
                             version_for(kLogSoftmaxVersions, w.input_tensor(0).dtype)});
}

}  // namespace

OpDef define_Softmax() {
  OpDef def{OpKind::Softmax, infer_softmax, eval_softmax<false>};
  def.onnx = {{"Softmax", import_onnx_softmax<OpKind::Softmax>}};
  def.tflite = {{tflite::BuiltinOperator_SOFTMAX, import_tflite_softmax}};
  def.permute = permute_softmax;
  def.write_tflite = write_tflite_softmax;
  def.quant = QuantTraits::fixed(1.0f / 256, -128);
  return def;
}

OpDef define_LogSoftmax() {
  OpDef def{OpKind::LogSoftmax, infer_softmax, eval_softmax<true>};
  def.onnx = {{"LogSoftmax", import_onnx_softmax<OpKind::LogSoftmax>}};
  def.tflite = {{tflite::BuiltinOperator_LOG_SOFTMAX, import_tflite_log_softmax}};
  def.permute = permute_softmax;
  def.write_tflite = write_tflite_log_softmax;
  def.quant = QuantTraits::fixed(16.0f / 256, 127);
  return def;
}

}  // namespace octet
