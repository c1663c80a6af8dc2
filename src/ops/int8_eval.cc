#include "ops/int8_eval.h"

#include "export/tflite_op_writer.h"

namespace octet {
namespace {

const QuantParams& quant_or_fail(const TensorView& view, const std::string& role) {
  if (!view.quant) fail(ErrorKind::Unsupported, std::string(dtype_name(view.dtype)) + " " + role +
                                                    " has no scale and zero point");
  return *view.quant;
}

int8::Affine per_tensor(const QuantParams& q, const std::string& role) {
  if (q.scales.size() != 1 || q.zero_points.size() != 1)
    fail(ErrorKind::Unsupported, role + " needs one scale and zero point, not per-channel ones");
  return {q.scales[0], static_cast<int32_t>(q.zero_points[0])};
}

std::string input_role(size_t i) { return "input " + std::to_string(i); }
std::string output_role(size_t i) { return "output " + std::to_string(i); }

}  // namespace

bool is_quantized(const KernelContext& ctx) {
  for (const TensorView& v : ctx.inputs)
    if (v.quant) return true;
  for (const TensorView& v : ctx.outputs)
    if (v.quant) return true;
  return false;
}

const QuantParams& input_quant(const KernelContext& ctx, size_t i) {
  return quant_or_fail(ctx.in(i), input_role(i));
}

const QuantParams& output_quant(const KernelContext& ctx, size_t i) {
  return quant_or_fail(ctx.out(i), output_role(i));
}

int8::Affine input_affine(const KernelContext& ctx, size_t i) {
  return per_tensor(input_quant(ctx, i), input_role(i));
}

int8::Affine output_affine(const KernelContext& ctx, size_t i) {
  return per_tensor(output_quant(ctx, i), output_role(i));
}

void require_input_dtype(const KernelContext& ctx, size_t i, DType dtype) {
  if (ctx.in(i).dtype != dtype)
    fail(ErrorKind::Unsupported, input_role(i) + " is " + dtype_name(ctx.in(i).dtype) + ", the int8 kernel needs " +
                                     dtype_name(dtype));
}

const std::vector<float>& symmetric_weight_scales(const KernelContext& ctx, size_t i) {
  require_input_dtype(ctx, i, DType::Int8);
  const QuantParams& q = input_quant(ctx, i);
  if (q.scales.size() > 1 && q.axis != 0)
    fail(ErrorKind::Unsupported, "weights quantized per channel on axis " + std::to_string(q.axis) + ", not 0");
  for (int64_t zero_point : q.zero_points)
    if (zero_point != 0)
      fail(ErrorKind::Unsupported, "weights with zero point " + std::to_string(zero_point) + " (must be symmetric)");
  return q.scales;
}

const int32_t* int32_bias(const KernelContext& ctx, size_t i) {
  if (!ctx.has_input(i)) return nullptr;
  require_input_dtype(ctx, i, DType::Int32);
  return ctx.in(i).as<int32_t>();
}

void require_same_quantization(const KernelContext& ctx) {
  if (!int8::same_quantization(input_affine(ctx, 0), output_affine(ctx)))
    fail(ErrorKind::Unsupported, "input and output are quantized differently; this kernel moves raw codes");
}

int8::Nhwc nhwc_of(const TensorView& view) {
  if (view.rank() != 4) fail(ErrorKind::BadShape, "expected an NHWC tensor, got " + shape_string(view.shape));
  return {static_cast<int>(view.shape[0]), static_cast<int>(view.shape[1]), static_cast<int>(view.shape[2]),
          static_cast<int>(view.shape[3])};
}

int8_t int8_constant_like(double value, const QuantParams& quant) {
  Tensor like;
  like.dtype = DType::Int8;
  like.quant = quant;
  return scalar_like("constant", like, value).data_as<int8_t>()[0];
}

}  // namespace octet
