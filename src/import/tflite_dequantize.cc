#include "import/tflite_dequantize.h"

#include "graph/error.h"
#include "import/onnx_tensor.h"

namespace octet {

namespace {

const tflite::Tensor* constant_input(const TfliteFile& file, const tflite::Operator& op) {
  if (!op.inputs() || op.inputs()->size() < 1) return nullptr;
  const tflite::Tensor& input = file.tensor(op.inputs()->Get(0));
  return file.is_constant(input) ? &input : nullptr;
}

// Per-channel scales apply along `axis`: channel = (i / inner) % channels,
// where inner is the element count after the axis.
template <typename Q>
std::vector<float> dequantize(const Q* values, const Shape& shape, const QuantParams& q, const std::string& name) {
  const int64_t count = element_count(shape);
  int64_t channels = 1, inner = count;
  if (q.axis >= 0) {
    if (q.axis >= static_cast<int>(shape.size()) || static_cast<size_t>(shape[q.axis]) != q.scales.size())
      fail(ErrorKind::BadFile, "tensor '" + name + "' has " + std::to_string(q.scales.size()) +
                                   " scales, which do not fit axis " + std::to_string(q.axis) + " of " +
                                   shape_string(shape));
    channels = shape[q.axis];
    inner = 1;
    for (size_t d = q.axis + 1; d < shape.size(); ++d) inner *= shape[d];
  }
  std::vector<float> out(count);
  for (int64_t i = 0; i < count; ++i) {
    int64_t c = (i / inner) % channels;
    out[i] = static_cast<float>(values[i] - q.zero_points[c]) * q.scales[c];
  }
  return out;
}

std::vector<float> widen_half(const Tensor& half) {
  std::vector<float> out(half.element_count());
  for (size_t i = 0; i < out.size(); ++i) out[i] = half_to_float(half.data_as<uint16_t>()[i]);
  return out;
}

}  // namespace

bool is_foldable_dequantize(const TfliteFile& file, const tflite::Operator& op) {
  if (builtin_code(file.model(), op) != tflite::BuiltinOperator_DEQUANTIZE) return false;
  const tflite::Tensor* input = constant_input(file, op);
  if (!input) return false;
  switch (input->type()) {
    case tflite::TensorType_FLOAT16:
    case tflite::TensorType_INT8:
    case tflite::TensorType_UINT8:
    case tflite::TensorType_INT16: return true;
    default: return false;
  }
}

Tensor fold_dequantize(const TfliteFile& file, const tflite::Operator& op, const std::string& name) {
  const int index = op.inputs()->Get(0);
  const Tensor q = file.constant(index, tensor_name(file.tensor(index), index));
  if (q.dtype == DType::Float16) return make_constant(name, q.shape, widen_half(q));
  if (q.quant.empty()) fail(ErrorKind::BadFile, "DEQUANTIZE input '" + q.name + "' has no scale");
  return make_constant(name, q.shape, dequantized_values(q));
}

std::vector<float> dequantized_values(const Tensor& q) {
  switch (q.dtype) {
    case DType::Int8: return dequantize(q.data_as<int8_t>(), q.shape, q.quant, q.name);
    case DType::UInt8: return dequantize(q.data_as<uint8_t>(), q.shape, q.quant, q.name);
    case DType::Int16: return dequantize(q.data_as<int16_t>(), q.shape, q.quant, q.name);
    default: fail(ErrorKind::Internal, "'" + q.name + "' is " + dtype_name(q.dtype) + ", not a quantized type");
  }
}

}  // namespace octet
