#include "import/tflite_dequantize.h"

#include <cstring>

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
// Copied out because data stored after the flatbuffer need not be aligned.
template <typename T>
std::vector<T> values_of(const TfliteFile::Span& data) {
  std::vector<T> values(data.size / sizeof(T));
  std::memcpy(values.data(), data.data, values.size() * sizeof(T));
  return values;
}

template <typename Q>
std::vector<float> dequantize(const std::vector<Q>& values, const Shape& shape, const QuantParams& q,
                              const std::string& name) {
  const int64_t count = static_cast<int64_t>(values.size());
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

std::vector<float> widen_half(const std::vector<uint16_t>& values) {
  std::vector<float> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) out[i] = half_to_float(values[i]);
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
  const tflite::Tensor& input = *constant_input(file, op);
  const std::string input_name = tensor_name(input, op.inputs()->Get(0));
  const Shape shape = tensor_shape(input);
  const DType dtype = dtype_from_tflite(input.type(), "tensor '" + input_name + "'");
  const TfliteFile::Span data = file.constant_data(input);
  if (data.size != static_cast<size_t>(element_count(shape)) * dtype_size(dtype))
    fail(ErrorKind::BadFile, "constant '" + input_name + "' holds " + std::to_string(data.size) +
                                 " bytes, which does not fit " + dtype_name(dtype) + shape_string(shape));
  if (dtype == DType::Float16)
    return make_constant(name, shape, widen_half(values_of<uint16_t>(data)));

  const QuantParams q = quant_params(input, op.inputs()->Get(0));
  if (q.empty()) fail(ErrorKind::BadFile, "DEQUANTIZE input '" + input_name + "' has no scale");
  switch (dtype) {
    case DType::Int8: return make_constant(name, shape, dequantize(values_of<int8_t>(data), shape, q, input_name));
    case DType::UInt8: return make_constant(name, shape, dequantize(values_of<uint8_t>(data), shape, q, input_name));
    default: return make_constant(name, shape, dequantize(values_of<int16_t>(data), shape, q, input_name));
  }
}

}  // namespace octet
