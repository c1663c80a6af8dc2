// Dequantize: int8 / uint8 / int16 -> float32 as TFLite's DEQUANTIZE computes
// it, x = scale * float(q - zero_point); float16 -> float32 widens. The
// parameters are described in ops/quantize.h. TFLite: DEQUANTIZE of a runtime
// tensor (the importer folds constant ones into float weights).
#include "export/tflite_op_writer.h"
#include "import/onnx_tensor.h"
#include "import/tflite_importer.h"
#include "ops/op_def.h"
#include "ops/permute_util.h"
#include "ops/op_util.h"
#include "ops/quantize.h"

namespace octet {

namespace {

void infer_dequantize(Graph& g, const Node& n) {
  const Tensor& x = input_of(g, n, 0);
  if (x.dtype != DType::Float16) {
    if (x.dtype != DType::Int8 && x.dtype != DType::UInt8 && x.dtype != DType::Int16)
      shape_error(n, std::string("cannot dequantize ") + dtype_name(x.dtype));
    const QuantParams q = quant_attrs_of(n, "");
    if (q.empty()) shape_error(n, "needs the input's scale and zero_point");
    check_tensor_quant(n, x, q);
  }
  set_output(g, n, 0, DType::Float32, x.shape);
}

template <typename Q>
void dequantize_values(const Q* q, int64_t count, float scale, int64_t zero_point, float* out) {
  const int32_t zp = static_cast<int32_t>(zero_point);
  for (int64_t i = 0; i < count; ++i) out[i] = scale * static_cast<float>(static_cast<int32_t>(q[i]) - zp);
}

void eval_dequantize(KernelContext& ctx) {
  dequantize_buffer(ctx.in(0), quant_attrs_of(ctx.node, ""), ctx.out().as<float>());
}

void import_tflite_dequantize(TfliteOpImporter& op) {
  const Tensor& x = op.input_tensor(0);
  if (x.dtype == DType::Float16) return op.emit(OpKind::Dequantize, {op.input(0)});
  if (x.quant.empty()) op.bad_shape("the input has no scale and zero point");
  if (x.quant.scales.size() > 1) op.unsupported("per-channel dequantization of a runtime tensor");
  op.emit(OpKind::Dequantize, {op.input(0)}, dequantize_attrs(x.quant));
}

// DEQUANTIZE versions from op_version.cc, by the input's type.
constexpr DTypeVersion kDequantizeVersions[] = {{DType::Int8, 2}, {DType::Int16, 3}, {DType::Float16, 3}};

void write_tflite_dequantize(TfliteOpWriter& w, const Node&) {
  const Tensor& x = w.input_tensor(0);
  if (x.dtype != DType::Float16 && x.quant.empty()) w.unsupported("the input has no quantization");
  w.add_operator({tflite::BuiltinOperator_DEQUANTIZE, version_for(kDequantizeVersions, x.dtype), {w.input(0)},
                  {w.output()}});
}

}  // namespace

void dequantize_buffer(const TensorView& q, const QuantParams& params, float* out) {
  const int64_t count = q.element_count();
  if (q.dtype == DType::Float16) {
    for (int64_t i = 0; i < count; ++i) out[i] = half_to_float(q.as<uint16_t>()[i]);
    return;
  }
  const float scale = params.scales.at(0);
  const int64_t zero_point = params.zero_points.at(0);
  switch (q.dtype) {
    case DType::Int8: return dequantize_values(q.as<int8_t>(), count, scale, zero_point, out);
    case DType::UInt8: return dequantize_values(q.as<uint8_t>(), count, scale, zero_point, out);
    case DType::Int16: return dequantize_values(q.as<int16_t>(), count, scale, zero_point, out);
    default: fail(ErrorKind::Internal, std::string("dequantize of ") + dtype_name(q.dtype));
  }
}

OpDef define_Dequantize() {
  OpDef def{OpKind::Dequantize, infer_dequantize, eval_dequantize};
  def.tflite = {{tflite::BuiltinOperator_DEQUANTIZE, import_tflite_dequantize}};
  def.write_tflite = write_tflite_dequantize;
  def.permute = permute_elementwise;  // per-tensor parameters: layout-agnostic
  return def;
}

}  // namespace octet
