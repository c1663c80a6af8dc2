// Quantize: float32 -> int8 / uint8 / int16 as TFLite's QUANTIZE computes it,
// q = saturate(round(x / scale) + zero_point), the division in float and the
// rounding half away from zero; or integer -> integer (requantize). The
// parameters are described in ops/quantize.h. TFLite: QUANTIZE.
#include "ops/quantize.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "export/tflite_op_writer.h"
#include "import/tflite_file.h"
#include "import/tflite_importer.h"
#include "ops/int8_eval.h"
#include "ops/op_def.h"
#include "ops/permute_util.h"
#include "ops/op_util.h"
#include "runtime/int8/fixed_point.h"
#include "runtime/int8/kernel_choice.h"

namespace octet {

namespace {

bool is_quantized_dtype(DType t) { return t == DType::Int8 || t == DType::UInt8 || t == DType::Int16; }

template <typename Q>
bool zero_point_fits(int64_t zero_point) {
  return zero_point >= std::numeric_limits<Q>::lowest() && zero_point <= std::numeric_limits<Q>::max();
}

void check_params(const Node& n, DType dtype, const QuantParams& q, const char* what) {
  const bool fits = dtype == DType::Int8    ? zero_point_fits<int8_t>(q.zero_points[0])
                    : dtype == DType::UInt8 ? zero_point_fits<uint8_t>(q.zero_points[0])
                                            : zero_point_fits<int16_t>(q.zero_points[0]);
  if (!(q.scales[0] > 0 && std::isfinite(q.scales[0])) || !fits)
    shape_error(n, std::string(what) + " scale " + std::to_string(q.scales[0]) + " / zero point " +
                       std::to_string(q.zero_points[0]) + " do not fit " + dtype_name(dtype));
}

void infer_quantize(Graph& g, const Node& n) {
  const Tensor& x = input_of(g, n, 0);
  const DType to = static_cast<DType>(n.attrs.get_int("to", -1));
  if (!n.attrs.has("to") || !is_quantized_dtype(to)) shape_error(n, "'to' must be int8, uint8 or int16");
  const QuantParams out = quant_attrs_of(n, "");
  if (out.empty()) shape_error(n, "needs the output's scale and zero_point");
  check_params(n, to, out, "output");
  if (x.dtype != DType::Float32) {
    if (!is_quantized_dtype(x.dtype)) shape_error(n, std::string("cannot quantize ") + dtype_name(x.dtype));
    const QuantParams in = quant_attrs_of(n, "input_");
    if (in.empty()) shape_error(n, "an integer input (requantize) needs input_scale and input_zero_point");
    check_params(n, x.dtype, in, "input");
    check_tensor_quant(n, x, in);
  }
  set_output(g, n, 0, to, x.shape);
  g.tensor(n.outputs[0]).quant = out;
}

// TFLite's AffineQuantize. The sum and the saturation run in double so that
// huge |x| saturates; NaN, which TFLite leaves undefined, gives the zero point.
template <typename Q>
Q quantize_value(float x, float scale, int64_t zero_point) {
  const float rounded = std::round(x / scale);
  if (std::isnan(rounded)) return static_cast<Q>(zero_point);
  const double q = static_cast<double>(rounded) + static_cast<double>(zero_point);
  return static_cast<Q>(std::min(std::max(q, static_cast<double>(std::numeric_limits<Q>::lowest())),
                                 static_cast<double>(std::numeric_limits<Q>::max())));
}

template <typename Q>
void quantize_into(const float* x, int64_t count, const QuantParams& q, Q* y) {
  for (int64_t i = 0; i < count; ++i) y[i] = quantize_value<Q>(x[i], q.scales[0], q.zero_points[0]);
}

// TFLite's Requantize, for an integer input of any of the three types into
// any: q_out = saturate(MBQM(q_in - zp_in) + zp_out) with the multiplier of
// double(s_in) / double(s_out), as TFLite's quantize.cc and TFLite Micro's
// PrepareQuantizeReference compute it. (The sum is formed in 64 bits, where
// TFLite's int32 sum would overflow for ratios near 2^30.)
template <typename In, typename Out>
void requantize_into(const In* x, int64_t count, const QuantParams& in, const QuantParams& out, Out* y) {
  const int8::QuantizedMultiplier m =
      int8::quantize_multiplier(static_cast<double>(in.scales[0]) / static_cast<double>(out.scales[0]));
  const int32_t in_zero_point = static_cast<int32_t>(in.zero_points[0]);
  const int64_t lowest = std::numeric_limits<Out>::lowest(), highest = std::numeric_limits<Out>::max();
  const auto requantize = [&](int32_t code) {
    const int64_t q = int64_t{int8::multiply_by_quantized_multiplier(code - in_zero_point, m)} + out.zero_points[0];
    return static_cast<Out>(std::min(std::max(q, lowest), highest));
  };
  // An 8-bit input has 256 codes: the fast kernels look each element up in a
  // table of all their results (the same integers) once there are more.
  if constexpr (sizeof(In) == 1) {
    constexpr int kCodes = 256, first = std::numeric_limits<In>::lowest();
    if (count > kCodes && !int8::reference_kernels()) {
      Out table[kCodes];
      for (int i = 0; i < kCodes; ++i) table[i] = requantize(first + i);
      for (int64_t i = 0; i < count; ++i) y[i] = table[x[i] - first];
      return;
    }
  }
  for (int64_t i = 0; i < count; ++i) y[i] = requantize(x[i]);
}

// Calls f(T{}) with the C++ type of a quantized dtype.
template <typename F>
void with_quantized_type(const KernelContext& ctx, DType dtype, F&& f) {
  switch (dtype) {
    case DType::Int8: return f(int8_t{});
    case DType::UInt8: return f(uint8_t{});
    case DType::Int16: return f(int16_t{});
    default: unsupported_dtype(ctx, dtype);
  }
}

void eval_quantize(KernelContext& ctx) {
  const TensorView &x = ctx.in(0), &y = ctx.out();
  const QuantParams out = quant_attrs_of(ctx.node, "");
  const int64_t count = x.element_count();
  with_quantized_type(ctx, y.dtype, [&](auto output_type) {
    using Out = decltype(output_type);
    if (x.dtype == DType::Float32) return quantize_into(x.as<float>(), count, out, y.as<Out>());
    with_quantized_type(ctx, x.dtype, [&](auto input_type) {
      using In = decltype(input_type);
      const QuantParams in = quant_attrs_of(ctx.node, "input_");
      with_node_in_errors(ctx, [&] { requantize_into(x.as<In>(), count, in, out, y.as<Out>()); });
    });
  });
}

// QUANTIZE of a runtime tensor; the output's type and parameters are the file's.
void import_tflite_quantize(TfliteOpImporter& op) {
  const tflite::Tensor& output = op.output_source(0);
  const DType to = dtype_from_tflite(output.type(), "QUANTIZE output");
  const QuantParams out = quant_params(output, -1);
  if (out.empty()) op.bad_shape("the output has no scale and zero point");
  if (out.scales.size() > 1) op.unsupported("per-channel quantization of a runtime tensor");
  const Tensor& x = op.input_tensor(0);
  if (x.dtype != DType::Float32 && x.quant.empty()) op.bad_shape("the integer input has no scale and zero point");
  Attributes attrs = quantize_attrs(to, out, x.dtype == DType::Float32 ? QuantParams{} : x.quant);
  op.emit(OpKind::Quantize, {op.input(0)}, std::move(attrs));
}

// QUANTIZE versions (op_version.cc): an int16 output needs v2.
constexpr DTypeVersion kQuantizeVersions[] = {{DType::Int16, 2}};

void write_tflite_quantize(TfliteOpWriter& w, const Node&) {
  const Tensor &x = w.input_tensor(0), &y = w.output_tensor();
  if (x.dtype != DType::Float32 && x.quant.empty()) w.unsupported("the integer input has no quantization");
  w.add_operator({tflite::BuiltinOperator_QUANTIZE, version_for(kQuantizeVersions, y.dtype), {w.input(0)},
                  {w.output()}});
}

void set_params(Attributes& attrs, const std::string& prefix, const QuantParams& q) {
  attrs.set(prefix + "scale", q.scales.at(0));
  attrs.set(prefix + "zero_point", q.zero_points.at(0));
}

}  // namespace

Attributes quantize_attrs(DType to, const QuantParams& output, const QuantParams& input) {
  Attributes attrs;
  attrs.set("to", static_cast<int64_t>(to));
  set_params(attrs, "", output);
  if (!input.empty()) set_params(attrs, "input_", input);
  return attrs;
}

Attributes dequantize_attrs(const QuantParams& input) {
  Attributes attrs;
  set_params(attrs, "", input);
  return attrs;
}

QuantParams quant_attrs_of(const Node& node, const std::string& prefix) {
  if (!node.attrs.has(prefix + "scale")) return {};
  return {{node.attrs.get_float(prefix + "scale", 1.0f)}, {node.attrs.get_int(prefix + "zero_point", 0)}, -1};
}

void check_tensor_quant(const Node& node, const Tensor& tensor, const QuantParams& attrs) {
  if (tensor.quant.empty()) return;
  if (tensor.quant.scales != attrs.scales || tensor.quant.zero_points != attrs.zero_points)
    shape_error(node, "tensor '" + tensor.name + "' is quantized with other parameters than the node's attributes");
}

OpDef define_Quantize() {
  OpDef def{OpKind::Quantize, infer_quantize, eval_quantize};
  def.tflite = {{tflite::BuiltinOperator_QUANTIZE, import_tflite_quantize}};
  def.write_tflite = write_tflite_quantize;
  def.permute = permute_elementwise;  // per-tensor parameters: layout-agnostic
  return def;
}

}  // namespace octet
