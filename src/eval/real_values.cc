#include "eval/real_values.h"

#include "graph/error.h"
#include "ops/quantize.h"

namespace octet::eval {
namespace {

template <typename T>
void convert(const TensorView& value, std::vector<float>& out) {
  const T* data = value.as<T>();
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(data[i]);
}

bool dequantizable(DType dtype) { return dtype == DType::Int8 || dtype == DType::UInt8 || dtype == DType::Int16; }

}  // namespace

std::vector<float> real_values(const TensorView& value, const std::string& name) {
  std::vector<float> out(static_cast<size_t>(value.element_count()));
  const bool quantized = value.quant && !value.quant->empty();
  if (quantized && value.quant->scales.size() > 1)
    fail(ErrorKind::Unsupported, "output '" + name + "' is quantized per axis; only per-tensor outputs are dequantized");
  if (value.dtype == DType::Float16 || (quantized && dequantizable(value.dtype))) {
    dequantize_buffer(value, quantized ? *value.quant : QuantParams{}, out.data());
    return out;
  }
  switch (value.dtype) {
    case DType::Float32: convert<float>(value, out); break;
    case DType::Int8: convert<int8_t>(value, out); break;
    case DType::UInt8: convert<uint8_t>(value, out); break;
    case DType::Int16: convert<int16_t>(value, out); break;
    case DType::Int32: convert<int32_t>(value, out); break;
    case DType::Int64: convert<int64_t>(value, out); break;
    case DType::Bool: convert<bool>(value, out); break;
    case DType::Float16: break;  // dequantized above
  }
  return out;
}

}  // namespace octet::eval
