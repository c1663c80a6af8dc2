// Elementwise Add, Sub, Mul, Div with numpy broadcasting and an optional fused
// activation. Also run on int32/int64 so importers can fold shape arithmetic.
#include <algorithm>
#include <functional>

#include "export/tflite_op_writer.h"
#include "import/onnx_importer.h"
#include "import/tflite_importer.h"
#include "ops/int8_eval.h"
#include "ops/op_def.h"
#include "ops/op_util.h"
#include "ops/permute_util.h"
#include "runtime/int8/add_sub.h"
#include "runtime/int8/binary_fast.h"
#include "runtime/int8/kernel_choice.h"
#include "runtime/int8/mul.h"
#include "runtime/kernel.h"

namespace octet {
namespace {

void infer_binary(Graph& g, const Node& n) {
  const Tensor& a = input_of(g, n, 0);
  const Tensor& b = input_of(g, n, 1);
  if (a.dtype != b.dtype)
    shape_error(n, std::string("operand types differ: ") + dtype_name(a.dtype) + " and " + dtype_name(b.dtype));
  set_output(g, n, 0, a.dtype, broadcast_shapes(n, a.shape, b.shape));
}

// Walks the output in row-major order, keeping an input offset per operand
// whose stride is zero along broadcast dimensions.
template <typename T, typename F>
void broadcast_apply(const TensorView& a, const TensorView& b, const TensorView& out, F f) {
  const T* pa = a.as<T>();
  const T* pb = b.as<T>();
  T* po = out.as<T>();
  const int64_t n = out.element_count();
  if (a.shape == b.shape) {
    for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], pb[i]);
    return;
  }
  if (b.element_count() == 1) {
    for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], pb[0]);
    return;
  }
  const int rank = out.rank();
  std::vector<int64_t> sa(rank, 0), sb(rank, 0);
  auto strides = [&](const TensorView& v, std::vector<int64_t>& s) {
    int64_t stride = 1;
    for (int i = v.rank() - 1, o = rank - 1; i >= 0; --i, --o) {
      s[o] = v.shape[i] == 1 ? 0 : stride;
      stride *= v.shape[i];
    }
  };
  strides(a, sa);
  strides(b, sb);
  // The innermost dimension runs in a tight loop.
  const int64_t inner = rank ? out.shape[rank - 1] : 1;
  const int64_t ia = rank ? sa[rank - 1] : 0, ib = rank ? sb[rank - 1] : 0;
  std::vector<int64_t> index(rank, 0);
  int64_t oa = 0, ob = 0;
  for (int64_t base = 0; base < n; base += inner) {
    for (int64_t j = 0; j < inner; ++j) po[base + j] = f(pa[oa + j * ia], pb[ob + j * ib]);
    for (int d = rank - 2; d >= 0; --d) {
      oa += sa[d];
      ob += sb[d];
      if (++index[d] < out.shape[d]) break;
      oa -= sa[d] * out.shape[d];
      ob -= sb[d] * out.shape[d];
      index[d] = 0;
    }
  }
}

// TFLite's int8 ADD, SUB and MUL (numpy broadcasting up to rank 4); the
// parameters are prepared per op in one line each. Div has no int8 kernel.
void eval_binary_int8(KernelContext& ctx) {
  if (ctx.node.op == OpKind::Div) unsupported_dtype(ctx, DType::Int8);
  with_node_in_errors(ctx, [&] {
    const int8::Affine a = input_affine(ctx, 0), b = input_affine(ctx, 1), y = output_affine(ctx);
    const Activation activation = activation_of(ctx.node);
    const int8::Broadcast4D shape = int8::prepare_broadcast_4d(ctx.in(0).shape, ctx.in(1).shape);
    const int8_t *in0 = ctx.in(0).as<int8_t>(), *in1 = ctx.in(1).as<int8_t>();
    int8_t* out = ctx.out().as<int8_t>();
    const bool reference = int8::reference_kernels();  // else the same integers, faster (binary_fast.h)
    if (ctx.node.op == OpKind::Add)
      (reference ? int8::add : int8::add_fast)(int8::prepare_add(a, b, y, activation), shape, in0, in1, out);
    else if (ctx.node.op == OpKind::Sub)
      (reference ? int8::sub : int8::sub_fast)(int8::prepare_sub(a, b, y, activation), shape, in0, in1, out);
    else
      (reference ? int8::mul : int8::mul_fast)(int8::prepare_mul(a, b, y, activation), shape, in0, in1, out);
  });
}

template <template <typename> class F>
void eval_binary(KernelContext& ctx) {
  const TensorView& out = ctx.out();
  switch (out.dtype) {
    case DType::Int8: return eval_binary_int8(ctx);
    case DType::Float32:
      broadcast_apply<float>(ctx.in(0), ctx.in(1), out, F<float>());
      apply_activation(activation_of(ctx.node), out.as<float>(), out.element_count());
      break;
    case DType::Int32: broadcast_apply<int32_t>(ctx.in(0), ctx.in(1), out, F<int32_t>()); break;
    case DType::Int64: broadcast_apply<int64_t>(ctx.in(0), ctx.in(1), out, F<int64_t>()); break;
    default: unsupported_dtype(ctx, out.dtype);
  }
}

template <OpKind kind>
void import_onnx_binary(OnnxNodeImporter& node) {
  node.emit(kind, {node.input(0), node.input(1)});
}

template <OpKind kind>
void import_tflite_binary(TfliteOpImporter& op) {
  Attributes attrs;
  auto fused = tflite::ActivationFunctionType_NONE;
  if (auto* o = op.op().builtin_options_as_AddOptions()) fused = o->fused_activation_function();
  if (auto* o = op.op().builtin_options_as_SubOptions()) fused = o->fused_activation_function();
  if (auto* o = op.op().builtin_options_as_MulOptions()) fused = o->fused_activation_function();
  if (auto* o = op.op().builtin_options_as_DivOptions()) fused = o->fused_activation_function();
  op.set_activation(attrs, fused);
  op.emit(kind, {op.input(0), op.input(1)}, std::move(attrs));
}

// ---- TFLite writer: versions from op_version.cc -------------------------------

constexpr DTypeVersion kAddVersions[] = {{DType::Int8, 2}, {DType::Int64, 4}};
constexpr DTypeVersion kSubVersions[] = {{DType::Int8, 2}, {DType::Int64, 4}};
constexpr DTypeVersion kMulVersions[] = {{DType::Int8, 2}, {DType::Int16, 4}, {DType::Int64, 5}};

// SUB v3 and DIV v2 broadcast over more than four dimensions.
bool broadcasts_beyond_4d(const TfliteOpWriter& w) {
  const Shape &a = w.input_tensor(0).shape, &b = w.input_tensor(1).shape;
  return a != b && std::max(a.size(), b.size()) > 4;
}

// MUL v3 takes an effective rescale (input1 * input2 / output scale) of 1 or more.
bool mul_rescale_at_least_one(const TfliteOpWriter& w) {
  const QuantParams &a = w.input_tensor(0).quant, &b = w.input_tensor(1).quant, &y = w.output_tensor().quant;
  if (a.empty() || b.empty() || y.empty()) return false;
  return static_cast<double>(a.scales[0]) * b.scales[0] / y.scales[0] >= 1.0;
}

template <OpKind kind>
void write_tflite_binary(TfliteOpWriter& w, const Node& n) {
  const tflite::ActivationFunctionType fused = fused_activation(n);
  const DType dtype = w.input_tensor(0).dtype;
  flatbuffers::FlatBufferBuilder& fbb = w.builder();
  TfliteOperator op;
  if constexpr (kind == OpKind::Add) {
    op = {tflite::BuiltinOperator_ADD, version_for(kAddVersions, dtype)};
    op.options_type = tflite::BuiltinOptions_AddOptions;
    op.options = tflite::CreateAddOptions(fbb, fused).Union();
  } else if constexpr (kind == OpKind::Sub) {
    op = {tflite::BuiltinOperator_SUB, std::max(version_for(kSubVersions, dtype), broadcasts_beyond_4d(w) ? 3 : 1)};
    op.options_type = tflite::BuiltinOptions_SubOptions;
    op.options = tflite::CreateSubOptions(fbb, fused).Union();
  } else if constexpr (kind == OpKind::Mul) {
    op = {tflite::BuiltinOperator_MUL, std::max(version_for(kMulVersions, dtype), mul_rescale_at_least_one(w) ? 3 : 1)};
    op.options_type = tflite::BuiltinOptions_MulOptions;
    op.options = tflite::CreateMulOptions(fbb, fused).Union();
  } else {
    op = {tflite::BuiltinOperator_DIV, broadcasts_beyond_4d(w) ? 2 : 1};
    op.options_type = tflite::BuiltinOptions_DivOptions;
    op.options = tflite::CreateDivOptions(fbb, fused).Union();
  }
  op.inputs = {w.input(0), w.input(1)};
  op.outputs = {w.output()};
  w.add_operator(op);
}

template <OpKind kind, template <typename> class F>
OpDef binary_def(const char* onnx_type, tflite::BuiltinOperator builtin, QuantTraits quant) {
  OpDef def{kind, infer_binary, eval_binary<F>};
  def.quant = quant;
  def.onnx = {{onnx_type, import_onnx_binary<kind>}};
  def.tflite = {{builtin, import_tflite_binary<kind>}};
  def.write_tflite = write_tflite_binary<kind>;
  def.permute = permute_broadcast;
  return def;
}

}  // namespace

OpDef define_Add() {
  return binary_def<OpKind::Add, std::plus>("Add", tflite::BuiltinOperator_ADD, QuantTraits::calibrated());
}
OpDef define_Sub() {
  return binary_def<OpKind::Sub, std::minus>("Sub", tflite::BuiltinOperator_SUB, QuantTraits::calibrated());
}
OpDef define_Mul() {
  return binary_def<OpKind::Mul, std::multiplies>("Mul", tflite::BuiltinOperator_MUL, QuantTraits::calibrated());
}
// TFLite's DIV has no int8 kernel.
OpDef define_Div() { return binary_def<OpKind::Div, std::divides>("Div", tflite::BuiltinOperator_DIV, {}); }

}  // namespace octet
