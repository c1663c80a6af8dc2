// Elementwise activations: Relu, Clip ("min"/"max", default -inf/+inf),
// LeakyRelu ("alpha"), PRelu (a slope input broadcast to the input), Sigmoid,
// Tanh, HardSigmoid ("alpha", "beta") and HardSwish. Float32 kernels; Clip also
// runs on integer tensors, whose ONNX bounds are integers of the same type.
#include <Eigen/Core>

#include <cmath>
#include <limits>
#include <type_traits>

#include "export/tflite_op_writer.h"
#include "import/onnx_importer.h"
#include "import/tflite_importer.h"
#include "ops/int8_eval.h"
#include "ops/op_def.h"
#include "ops/op_util.h"
#include "ops/permute_util.h"
#include "runtime/int8/hard_swish.h"
#include "runtime/int8/leaky_relu.h"
#include "runtime/int8/logistic.h"
#include "runtime/int8/prelu.h"
#include "runtime/int8/quantize.h"
#include "runtime/int8/tanh.h"
#include "runtime/kernel.h"

namespace octet {
namespace {

void infer_same_as_input(Graph& g, const Node& n) {
  const Tensor& x = input_of(g, n, 0);
  set_output(g, n, 0, x.dtype, x.shape);
}

template <typename T>
using ArrayMap = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;
template <typename T>
using ConstArrayMap = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;

// Sets the output to f(input), with f written over Eigen arrays: vectorized,
// and free of the data-dependent branches a scalar max or select compiles to.
template <typename F>
void map_float(KernelContext& ctx, F f) {
  const TensorView& x = ctx.in(0);
  if (x.dtype != DType::Float32) unsupported_dtype(ctx, x.dtype);
  ArrayMap<float>(ctx.out().as<float>(), x.element_count()) =
      f(ConstArrayMap<float>(x.as<float>(), x.element_count()));
}

// map_float for a scalar function.
template <typename F>
void map_each_float(KernelContext& ctx, F f) {
  map_float(ctx, [&](const auto& x) { return x.unaryExpr(f); });
}

// ---- int8: TFLite's kernels (runtime/int8) ------------------------------------

// Runs an int8 elementwise kernel whose parameters come from the input and
// output quantization alone: kernel(prepare(input, output), in, out, count).
template <typename Prepare, typename Kernel>
void eval_elementwise_int8(KernelContext& ctx, Prepare prepare, Kernel kernel) {
  with_node_in_errors(ctx, [&] {
    const auto params = prepare(input_affine(ctx, 0), output_affine(ctx));
    kernel(params, ctx.in(0).as<int8_t>(), ctx.out().as<int8_t>(), ctx.in(0).element_count());
  });
}

// Relu and Clip onto [lo, hi]; defined after the writer's table of the
// clamps TFLite has activation operators for.
void eval_clamp_int8(KernelContext& ctx, float lo, float hi);

void eval_relu(KernelContext& ctx) {
  if (ctx.in(0).dtype == DType::Int8) return eval_clamp_int8(ctx, 0.0f, INFINITY);
  map_float(ctx, [](const auto& x) { return x.max(0.0f); });
}

void eval_sigmoid(KernelContext& ctx) {
  if (ctx.in(0).dtype == DType::Int8) return eval_elementwise_int8(ctx, int8::prepare_logistic, int8::logistic);
  map_each_float(ctx, [](float v) { return 1.0f / (1.0f + std::exp(-v)); });
}

void eval_tanh(KernelContext& ctx) {
  if (ctx.in(0).dtype == DType::Int8) return eval_elementwise_int8(ctx, int8::prepare_tanh, int8::tanh);
  map_each_float(ctx, [](float v) { return std::tanh(v); });
}

void eval_leaky_relu(KernelContext& ctx) {
  const float alpha = ctx.node.attrs.get_float("alpha", 0.01f);
  if (ctx.in(0).dtype == DType::Int8) {
    const auto prepare = [alpha](int8::Affine in, int8::Affine out) {
      return int8::prepare_leaky_relu(in, out, alpha);
    };
    return eval_elementwise_int8(ctx, prepare, int8::leaky_relu);
  }
  map_float(ctx, [alpha](const auto& x) { return (x < 0.0f).select(alpha * x, x); });
}

void eval_hard_sigmoid(KernelContext& ctx) {
  const float alpha = ctx.node.attrs.get_float("alpha", 0.2f), beta = ctx.node.attrs.get_float("beta", 0.5f);
  map_float(ctx, [=](const auto& x) { return (alpha * x + beta).max(0.0f).min(1.0f); });
}

void eval_hard_swish(KernelContext& ctx) {
  if (ctx.in(0).dtype == DType::Int8) return eval_elementwise_int8(ctx, int8::prepare_hard_swish, int8::hard_swish);
  map_float(ctx, [](const auto& x) { return x * (x + 3.0f).max(0.0f).min(6.0f) / 6.0f; });
}

// A float bound as a value of T: integer types saturate infinite bounds.
template <typename T>
T bound_as(float bound) {
  if constexpr (std::is_floating_point_v<T>) {
    return bound;
  } else {
    if (bound <= static_cast<float>(std::numeric_limits<T>::lowest()))
      return std::numeric_limits<T>::lowest();
    if (bound >= static_cast<float>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
    return static_cast<T>(bound);
  }
}

template <typename T>
void clip(const KernelContext& ctx) {
  const T lo = bound_as<T>(ctx.node.attrs.get_float("min", -INFINITY));
  const T hi = bound_as<T>(ctx.node.attrs.get_float("max", INFINITY));
  const int64_t n = ctx.in(0).element_count();
  ArrayMap<T>(ctx.out().as<T>(), n) = ConstArrayMap<T>(ctx.in(0).as<T>(), n).max(lo).min(hi);
}

// A quantized int8 Clip bounds real values; an unquantized one (ONNX Clip on
// integers) bounds the integers themselves.
void eval_clip(KernelContext& ctx) {
  switch (ctx.in(0).dtype) {
    case DType::Float32: clip<float>(ctx); break;
    case DType::Int8:
      if (is_quantized(ctx))
        return eval_clamp_int8(ctx, ctx.node.attrs.get_float("min", -INFINITY),
                               ctx.node.attrs.get_float("max", INFINITY));
      clip<int8_t>(ctx);
      break;
    case DType::UInt8: clip<uint8_t>(ctx); break;
    case DType::Int32: clip<int32_t>(ctx); break;
    case DType::Int64: clip<int64_t>(ctx); break;
    default: unsupported_dtype(ctx, ctx.in(0).dtype);
  }
}

void infer_prelu(Graph& g, const Node& n) {
  const Tensor& x = input_of(g, n, 0);
  const Tensor& slope = input_of(g, n, 1);
  if (slope.dtype != x.dtype) shape_error(n, "slope and input types differ");
  if (broadcast_shapes(n, x.shape, slope.shape) != x.shape)
    shape_error(n, "slope " + shape_string(slope.shape) + " does not broadcast to the input " +
                       shape_string(x.shape));
  set_output(g, n, 0, x.dtype, x.shape);
}

// TFLite's int8 PRELU: the slope is an int8 tensor with its own quantization.
void eval_prelu_int8(KernelContext& ctx) {
  with_node_in_errors(ctx, [&] {
    require_input_dtype(ctx, 1, DType::Int8);
    const int8::PreluParams p = int8::prepare_prelu(input_affine(ctx, 0), input_affine(ctx, 1), output_affine(ctx));
    int8::prelu(p, int8::prepare_broadcast_4d(ctx.in(0).shape, ctx.in(1).shape), ctx.in(0).as<int8_t>(),
                ctx.in(1).as<int8_t>(), ctx.out().as<int8_t>());
  });
}

// Walks the input row by row (rows along the last dimension), keeping the
// offset of the slope element each row starts at; broadcast dimensions of the
// slope have stride 0, so a row's slopes are either contiguous (step 1) or one
// value (step 0).
void eval_prelu(KernelContext& ctx) {
  const TensorView &x = ctx.in(0), &slope = ctx.in(1);
  if (x.dtype == DType::Int8) return eval_prelu_int8(ctx);
  if (x.dtype != DType::Float32) unsupported_dtype(ctx, x.dtype);
  const int rank = x.rank();
  std::vector<int64_t> slope_strides(rank, 0);
  int64_t stride = 1;
  for (int i = slope.rank() - 1, d = rank - 1; i >= 0; --i, --d) {
    slope_strides[d] = slope.shape[i] == 1 ? 0 : stride;
    stride *= slope.shape[i];
  }
  const float* in = x.as<float>();
  const float* a = slope.as<float>();
  float* out = ctx.out().as<float>();
  const int64_t row = rank ? x.shape[rank - 1] : 1, step = rank ? slope_strides[rank - 1] : 0;
  std::vector<int64_t> index(rank, 0);
  int64_t slope_offset = 0;
  for (int64_t start = 0, n = x.element_count(); start < n; start += row) {
    ConstArrayMap<float> v(in + start, row);
    ArrayMap<float> y(out + start, row);
    if (step)
      y = (v < 0.0f).select(ConstArrayMap<float>(a + slope_offset, row) * v, v);
    else
      y = (v < 0.0f).select(a[slope_offset] * v, v);
    for (int d = rank - 2; d >= 0; --d) {
      slope_offset += slope_strides[d];
      if (++index[d] < x.shape[d]) break;
      slope_offset -= slope_strides[d] * x.shape[d];
      index[d] = 0;
    }
  }
}

Attributes float_attrs(std::initializer_list<std::pair<const char*, float>> values) {
  Attributes attrs;
  for (const auto& [name, value] : values) attrs.set(name, value);
  return attrs;
}

// ---- ONNX --------------------------------------------------------------------

template <OpKind kind>
void import_onnx_plain(OnnxNodeImporter& node) {
  node.emit(kind, {node.input(0)});
}

void import_onnx_leaky_relu(OnnxNodeImporter& node) {
  node.emit(OpKind::LeakyRelu, {node.input(0)}, float_attrs({{"alpha", node.attr_float("alpha", 0.01f)}}));
}

void import_onnx_hard_sigmoid(OnnxNodeImporter& node) {
  node.emit(
      OpKind::HardSigmoid, {node.input(0)},
      float_attrs({{"alpha", node.attr_float("alpha", 0.2f)}, {"beta", node.attr_float("beta", 0.5f)}}));
}

void import_onnx_prelu(OnnxNodeImporter& node) { node.emit(OpKind::PRelu, {node.input(0), node.input(1)}); }

// An optional scalar bound input of Clip (opset 11+), or `fallback` when absent.
float clip_bound(const OnnxNodeImporter& node, size_t i, float fallback) {
  if (!node.has_input(i)) return fallback;
  if (!node.input_is_constant(i)) node.unsupported("Clip bounds from a non-constant input");
  const Tensor& t = node.input_tensor(i);
  if (t.element_count() != 1) node.bad_shape("Clip bound " + std::to_string(i) + " is not a scalar");
  return t.dtype == DType::Float32 ? constant_floats(t)[0] : static_cast<float>(constant_ints(t)[0]);
}

// Before opset 11 the bounds are attributes; from 11 they are optional inputs.
void import_onnx_clip(OnnxNodeImporter& node) {
  bool inputs = node.opset() >= 11;
  float lo = inputs ? clip_bound(node, 1, -INFINITY) : node.attr_float("min", -INFINITY);
  float hi = inputs ? clip_bound(node, 2, INFINITY) : node.attr_float("max", INFINITY);
  node.emit(OpKind::Clip, {node.input(0)}, float_attrs({{"min", lo}, {"max", hi}}));
}

// ---- TFLite ------------------------------------------------------------------

template <OpKind kind>
void import_tflite_plain(TfliteOpImporter& op) {
  op.emit(kind, {op.input(0)});
}

template <int kMin, int kMax>
void import_tflite_clip(TfliteOpImporter& op) {
  op.emit(OpKind::Clip, {op.input(0)}, float_attrs({{"min", float{kMin}}, {"max", float{kMax}}}));
}

void import_tflite_leaky_relu(TfliteOpImporter& op) {
  const auto* options = op.op().builtin_options_as_LeakyReluOptions();
  op.emit(OpKind::LeakyRelu, {op.input(0)}, float_attrs({{"alpha", options ? options->alpha() : 0.0f}}));
}

void import_tflite_prelu(TfliteOpImporter& op) { op.emit(OpKind::PRelu, {op.input(0), op.input(1)}); }

// MAXIMUM / MINIMUM against a one-element constant (how Clip is written) is
// a one-sided Clip; between two tensors it has no IR op.
void import_tflite_min_max(TfliteOpImporter& op) {
  const bool first_constant = op.input_is_constant(0) && op.input_tensor(0).element_count() == 1;
  const bool second_constant = op.input_is_constant(1) && op.input_tensor(1).element_count() == 1;
  if (first_constant == second_constant) op.unsupported("only against a one-element constant (a clip)");
  const size_t x = first_constant ? 1 : 0;
  if (op.input_tensor(1 - x).shape.size() > op.input_tensor(x).shape.size())
    op.bad_shape("the constant would raise the output's rank");
  const float bound = op.constant_floats(1 - x).at(0);
  const bool maximum = op.code() == tflite::BuiltinOperator_MAXIMUM;
  op.emit(OpKind::Clip, {op.input(x)},
          float_attrs({{"min", maximum ? bound : -INFINITY}, {"max", maximum ? INFINITY : bound}}));
}

// ---- TFLite writer: versions from op_version.cc --------------------------------

constexpr DTypeVersion kMinMaxVersions[] = {{DType::Int8, 2}, {DType::Int16, 4}};
constexpr DTypeVersion kLogisticTanhVersions[] = {{DType::Int8, 2}, {DType::Int16, 3}};
constexpr DTypeVersion kLeakyReluVersions[] = {{DType::Int16, 2}};

// One operator from input 0 (and `extra` inputs) to output 0.
void write_elementwise(TfliteOpWriter& w, tflite::BuiltinOperator code, int version, std::vector<int> extra = {},
                       tflite::BuiltinOptions options_type = tflite::BuiltinOptions_NONE,
                       flatbuffers::Offset<void> options = 0) {
  std::vector<int> inputs{w.input(0)};
  inputs.insert(inputs.end(), extra.begin(), extra.end());
  w.add_operator({code, version, inputs, {w.output()}, options_type, options});
}

DType input_dtype(const TfliteOpWriter& w) { return w.input_tensor(0).dtype; }

void write_tflite_relu(TfliteOpWriter& w, const Node&) {
  add_activation(w, Activation::Relu, input_dtype(w), w.input(0), w.output());
}

// A clamp onto [0,6], [-1,1] or [0,inf) is TFLite's RELU6, RELU_N1_TO_1 or
// RELU; any other is MAXIMUM then MINIMUM against one-element constants,
// which compare stored values, so a quantized output must keep the input's
// scale and zero point.
struct ClampActivation {
  float lo, hi;
  Activation activation;
};
constexpr ClampActivation kClampActivations[] = {
    {0, 6, Activation::Relu6}, {-1, 1, Activation::ReluN1To1}, {0, INFINITY, Activation::Relu}};

// The int8 range of a clamp onto [lo, hi] as written above: a RELU
// operator's range (quantized like a fused activation), or else MAXIMUM /
// MINIMUM against the bounds stored like the input, which compare raw codes
// and so need the input and output quantized alike.
int8::ActivationRange clamp_range_int8(const KernelContext& ctx, float lo, float hi) {
  for (const ClampActivation& c : kClampActivations)
    if (lo == c.lo && hi == c.hi) return int8::quantized_activation_range(c.activation, output_affine(ctx));
  require_same_quantization(ctx);
  return {int8_constant_like(lo, output_quant(ctx)), int8_constant_like(hi, output_quant(ctx))};
}

// TFLite's int8 RELU / RELU6 / RELU_N1_TO_1 (activations.cc ReluX): the input
// requantized by s_in / s_out, divided in float as TFLite's Prepare does (the
// exact identity when both are alike), then clamped to the range.
void eval_clamp_int8(KernelContext& ctx, float lo, float hi) {
  with_node_in_errors(ctx, [&] {
    const int8::Affine in = input_affine(ctx, 0), out = output_affine(ctx);
    int8::check_int8_zero_point(in, "input");
    int8::check_int8_zero_point(out, "output");
    const int8::RequantizeParams requantize{int8::quantize_multiplier(in.scale / out.scale), in.zero_point,
                                            out.zero_point};
    const int8::ActivationRange range = clamp_range_int8(ctx, lo, hi);
    const int8_t* x = ctx.in(0).as<int8_t>();
    int8_t* y = ctx.out().as<int8_t>();
    for (int64_t i = 0, n = ctx.in(0).element_count(); i < n; ++i)
      y[i] = int8::clamp_to(range, int8::requantize_value(x[i], requantize));
  });
}

void write_tflite_clip(TfliteOpWriter& w, const Node& n) {
  const float lo = n.attrs.get_float("min", -INFINITY), hi = n.attrs.get_float("max", INFINITY);
  const Tensor& x = w.input_tensor(0);
  for (const ClampActivation& c : kClampActivations)
    if (lo == c.lo && hi == c.hi) return add_activation(w, c.activation, x.dtype, w.input(0), w.output());
  if (lo == -INFINITY && hi == INFINITY) w.unsupported("a Clip without bounds is an identity: remove it first");
  w.require_same_quantization();
  const int version = version_for(kMinMaxVersions, x.dtype);
  int value = w.input(0);
  if (lo > -INFINITY) {
    const int clamped = hi < INFINITY ? w.add_intermediate("clamped_below", x.dtype, x.shape, x.quant) : w.output();
    w.add_operator({tflite::BuiltinOperator_MAXIMUM, version, {value, w.add_constant(scalar_like("min", x, lo))},
                    {clamped}});
    value = clamped;
  }
  if (hi < INFINITY)
    w.add_operator({tflite::BuiltinOperator_MINIMUM, version, {value, w.add_constant(scalar_like("max", x, hi))},
                    {w.output()}});
}

void write_tflite_leaky_relu(TfliteOpWriter& w, const Node& n) {
  write_elementwise(w, tflite::BuiltinOperator_LEAKY_RELU, version_for(kLeakyReluVersions, input_dtype(w)), {},
                    tflite::BuiltinOptions_LeakyReluOptions,
                    tflite::CreateLeakyReluOptions(w.builder(), n.attrs.get_float("alpha", 0.01f)).Union());
}

void write_tflite_prelu(TfliteOpWriter& w, const Node&) {
  write_elementwise(w, tflite::BuiltinOperator_PRELU, 1, {w.input(1)});
}

void write_tflite_sigmoid(TfliteOpWriter& w, const Node&) {
  write_elementwise(w, tflite::BuiltinOperator_LOGISTIC, version_for(kLogisticTanhVersions, input_dtype(w)));
}

void write_tflite_tanh(TfliteOpWriter& w, const Node&) {
  write_elementwise(w, tflite::BuiltinOperator_TANH, version_for(kLogisticTanhVersions, input_dtype(w)));
}

void write_tflite_hard_swish(TfliteOpWriter& w, const Node&) {
  write_elementwise(w, tflite::BuiltinOperator_HARD_SWISH, 1);
}

void write_tflite_hard_sigmoid(TfliteOpWriter& w, const Node&) {
  w.unsupported("TFLite has no HardSigmoid (it is Mul, Add and a clamp to [0,1]); no octet pass rewrites it yet");
}

}  // namespace

OpDef define_Relu() {
  OpDef def{OpKind::Relu, infer_same_as_input, eval_relu};
  def.onnx = {{"Relu", import_onnx_plain<OpKind::Relu>}};
  def.tflite = {{tflite::BuiltinOperator_RELU, import_tflite_plain<OpKind::Relu>}};
  def.permute = permute_elementwise;
  def.write_tflite = write_tflite_relu;
  def.quant = QuantTraits::calibrated();
  return def;
}

OpDef define_Clip() {
  OpDef def{OpKind::Clip, infer_same_as_input, eval_clip};
  def.onnx = {{"Clip", import_onnx_clip}};
  def.tflite = {{tflite::BuiltinOperator_RELU6, import_tflite_clip<0, 6>},
                {tflite::BuiltinOperator_RELU_N1_TO_1, import_tflite_clip<-1, 1>},
                {tflite::BuiltinOperator_MAXIMUM, import_tflite_min_max},
                {tflite::BuiltinOperator_MINIMUM, import_tflite_min_max}};
  def.permute = permute_elementwise;
  def.write_tflite = write_tflite_clip;
  def.quant = QuantTraits::same_as_input();  // MINIMUM / MAXIMUM need equal scales
  return def;
}

OpDef define_LeakyRelu() {
  OpDef def{OpKind::LeakyRelu, infer_same_as_input, eval_leaky_relu};
  def.onnx = {{"LeakyRelu", import_onnx_leaky_relu}};
  def.tflite = {{tflite::BuiltinOperator_LEAKY_RELU, import_tflite_leaky_relu}};
  def.permute = permute_elementwise;
  def.write_tflite = write_tflite_leaky_relu;
  def.quant = QuantTraits::calibrated();
  return def;
}

OpDef define_PRelu() {
  OpDef def{OpKind::PRelu, infer_prelu, eval_prelu};
  def.onnx = {{"PRelu", import_onnx_prelu}};
  def.tflite = {{tflite::BuiltinOperator_PRELU, import_tflite_prelu}};
  def.permute = permute_broadcast;
  def.write_tflite = write_tflite_prelu;
  def.quant = QuantTraits::calibrated();
  return def;
}

OpDef define_Sigmoid() {
  OpDef def{OpKind::Sigmoid, infer_same_as_input, eval_sigmoid};
  def.onnx = {{"Sigmoid", import_onnx_plain<OpKind::Sigmoid>}};
  def.tflite = {{tflite::BuiltinOperator_LOGISTIC, import_tflite_plain<OpKind::Sigmoid>}};
  def.permute = permute_elementwise;
  def.write_tflite = write_tflite_sigmoid;
  def.quant = QuantTraits::fixed(1.0f / 256, -128);
  return def;
}

OpDef define_Tanh() {
  OpDef def{OpKind::Tanh, infer_same_as_input, eval_tanh};
  def.onnx = {{"Tanh", import_onnx_plain<OpKind::Tanh>}};
  def.tflite = {{tflite::BuiltinOperator_TANH, import_tflite_plain<OpKind::Tanh>}};
  def.permute = permute_elementwise;
  def.write_tflite = write_tflite_tanh;
  def.quant = QuantTraits::fixed(1.0f / 128, 0);
  return def;
}

OpDef define_HardSigmoid() {
  OpDef def{OpKind::HardSigmoid, infer_same_as_input, eval_hard_sigmoid};
  def.onnx = {{"HardSigmoid", import_onnx_hard_sigmoid}};
  def.permute = permute_elementwise;
  def.write_tflite = write_tflite_hard_sigmoid;
  return def;
}

OpDef define_HardSwish() {
  OpDef def{OpKind::HardSwish, infer_same_as_input, eval_hard_swish};
  def.onnx = {{"HardSwish", import_onnx_plain<OpKind::HardSwish>}};
  def.tflite = {{tflite::BuiltinOperator_HARD_SWISH, import_tflite_plain<OpKind::HardSwish>}};
  def.permute = permute_elementwise;
  def.write_tflite = write_tflite_hard_swish;
  def.quant = QuantTraits::calibrated();
  return def;
}

}  // namespace octet
