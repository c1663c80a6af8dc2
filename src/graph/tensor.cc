#include "graph/tensor.h"

#include "graph/error.h"

namespace octet {

int64_t element_count(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::string shape_string(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

template <typename From, typename To>
static std::vector<To> widen(const Tensor& t) {
  const From* p = t.data_as<From>();
  return std::vector<To>(p, p + t.element_count());
}

std::vector<int64_t> constant_ints(const Tensor& t) {
  if (!t.is_constant()) fail(ErrorKind::Internal, "tensor '" + t.name + "' is not constant");
  switch (t.dtype) {
    case DType::Int64: return widen<int64_t, int64_t>(t);
    case DType::Int32: return widen<int32_t, int64_t>(t);
    case DType::Int16: return widen<int16_t, int64_t>(t);
    case DType::Int8: return widen<int8_t, int64_t>(t);
    case DType::UInt8: return widen<uint8_t, int64_t>(t);
    case DType::Bool: return widen<bool, int64_t>(t);
    default:
      fail(ErrorKind::Unsupported, "tensor '" + t.name + "' must be an integer constant, not " +
                                       dtype_name(t.dtype));
  }
}

std::vector<float> constant_floats(const Tensor& t) {
  if (!t.is_constant()) fail(ErrorKind::Internal, "tensor '" + t.name + "' is not constant");
  switch (t.dtype) {
    case DType::Float32: return widen<float, float>(t);
    case DType::Int64: return widen<int64_t, float>(t);
    case DType::Int32: return widen<int32_t, float>(t);
    default:
      fail(ErrorKind::Unsupported, "tensor '" + t.name + "' must be a float constant, not " +
                                       dtype_name(t.dtype));
  }
}

}  // namespace octet
