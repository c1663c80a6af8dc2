// Cast: converts elements to the dtype in "to" (an int64 holding an
// octet::DType) among float32, int8, uint8, int16, int32, int64 and bool.
// Float to integer truncates toward zero and saturates (NaN becomes 0), so the
// result is defined where C++ and ONNX leave it open; to bool is "!= 0".
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "export/tflite_op_writer.h"
#include "import/onnx_importer.h"
#include "import/onnx_tensor.h"
#include "import/tflite_file.h"
#include "import/tflite_importer.h"
#include "ops/op_def.h"
#include "ops/op_util.h"
#include "ops/permute_util.h"
#include "runtime/kernel.h"

namespace octet {
namespace {

bool castable(DType t) { return t != DType::Float16; }

void infer_cast(Graph& g, const Node& n) {
  const Tensor& in = input_of(g, n, 0);
  const int64_t to = n.attrs.get_int("to", -1);
  if (to < static_cast<int64_t>(DType::Float32) || to > static_cast<int64_t>(DType::Bool))
    shape_error(n, "'to' is not a dtype: " + std::to_string(to));
  const DType out = static_cast<DType>(to);
  if (!castable(in.dtype) || !castable(out))
    shape_error(n, std::string("cannot cast ") + dtype_name(in.dtype) + " to " + dtype_name(out));
  set_output(g, n, 0, out, in.shape);
}

template <typename To, typename From>
To convert(From v) {
  if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To>) {
    if (std::isnan(v)) return 0;
    if (v <= static_cast<From>(std::numeric_limits<To>::lowest())) return std::numeric_limits<To>::lowest();
    if (v >= static_cast<From>(std::numeric_limits<To>::max())) return std::numeric_limits<To>::max();
    return static_cast<To>(v);
  } else {
    return static_cast<To>(v);
  }
}

// Calls f(T{}) with the C++ type of a castable dtype.
template <typename F>
void with_value_type(const KernelContext& ctx, DType dtype, F&& f) {
  switch (dtype) {
    case DType::Float32: return f(float{});
    case DType::Int8: return f(int8_t{});
    case DType::UInt8: return f(uint8_t{});
    case DType::Int16: return f(int16_t{});
    case DType::Int32: return f(int32_t{});
    case DType::Int64: return f(int64_t{});
    case DType::Bool: return f(bool{});
    default: unsupported_dtype(ctx, dtype);
  }
}

void eval_cast(KernelContext& ctx) {
  const TensorView& in = ctx.in(0);
  const TensorView& out = ctx.out();
  const int64_t n = out.element_count();
  with_value_type(ctx, in.dtype, [&](auto from) {
    with_value_type(ctx, out.dtype, [&](auto to) {
      using From = decltype(from);
      using To = decltype(to);
      const From* src = in.as<From>();
      To* dst = out.as<To>();
      for (int64_t i = 0; i < n; ++i) dst[i] = convert<To>(src[i]);
    });
  });
}

void emit_cast(NodeBuilder& node, int input, DType to) {
  Attributes attrs;
  attrs.set("to", static_cast<int64_t>(to));
  node.emit(OpKind::Cast, {input}, attrs);
}

// float16 and double tensors are float32 in the IR, so casts to them keep float32.
void import_onnx_cast(OnnxNodeImporter& node) {
  if (!node.has_attr("to")) node.bad_shape("Cast needs 'to'");
  emit_cast(node, node.input(0), dtype_from_onnx(static_cast<int>(node.attr_int("to", 0)), "Cast 'to'"));
}

void import_onnx_cast_like(OnnxNodeImporter& node) {
  emit_cast(node, node.input(0), node.input_tensor(1).dtype);
}

void import_tflite_cast(TfliteOpImporter& op) {
  const auto* options = op.op().builtin_options_as_CastOptions();
  if (!options) op.unsupported("CAST without CastOptions (the output type is unknown)");
  emit_cast(op, op.input(0), dtype_from_tflite(options->out_data_type(), "node '" + op.name() + "' (CAST)"));
}

// Versions from op_version.cc, by the input or the output type, whichever needs more.
constexpr DTypeVersion kCastVersions[] = {{DType::Int8, 3}, {DType::Float16, 5}};

void write_tflite_cast(TfliteOpWriter& w, const Node&) {
  const DType from = w.input_tensor(0).dtype, to = w.output_tensor().dtype;
  TfliteOperator op{tflite::BuiltinOperator_CAST,
                    std::max(version_for(kCastVersions, from), version_for(kCastVersions, to)),
                    {w.input(0)},
                    {w.output()}};
  op.options_type = tflite::BuiltinOptions_CastOptions;
  op.options = tflite::CreateCastOptions(w.builder(), tflite_type(from), tflite_type(to)).Union();
  w.add_operator(op);
}

}  // namespace

OpDef define_Cast() {
  OpDef def{OpKind::Cast, infer_cast, eval_cast};
  def.onnx = {{"Cast", import_onnx_cast}, {"CastLike", import_onnx_cast_like}};
  def.tflite = {{tflite::BuiltinOperator_CAST, import_tflite_cast}};
  def.permute = permute_elementwise;
  def.write_tflite = write_tflite_cast;
  return def;
}

}  // namespace octet
