// An IR tensor: a named value with a static shape. Constants carry their bytes;
// quantized tensors carry their scales and zero points.
#pragma once
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "graph/dtype.h"

namespace octet {

using Shape = std::vector<int64_t>;

int64_t element_count(const Shape& shape);
std::string shape_string(const Shape& shape);  // "[1,3,224,224]"

// Per-tensor when axis < 0 (one scale, one zero point); per-axis otherwise,
// with one scale and zero point per index along `axis`.
struct QuantParams {
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
  int axis = -1;
  bool empty() const { return scales.empty(); }
};

using Bytes = std::vector<uint8_t>;

struct Tensor {
  std::string name;
  DType dtype = DType::Float32;
  Shape shape;
  // Set for constants (weights, folded values); shared so copies of a graph
  // do not copy weights.
  std::shared_ptr<const Bytes> data;
  QuantParams quant;

  bool is_constant() const { return data != nullptr; }
  int64_t element_count() const { return octet::element_count(shape); }
  size_t byte_size() const { return static_cast<size_t>(element_count()) * dtype_size(dtype); }
  template <typename T> const T* data_as() const {
    return reinterpret_cast<const T*>(data->data());
  }
};

// A constant tensor from typed values.
template <typename T>
Tensor make_constant(std::string name, Shape shape, const std::vector<T>& values) {
  Tensor t;
  t.name = std::move(name);
  t.dtype = dtype_of<T>();
  t.shape = std::move(shape);
  auto bytes = std::make_shared<Bytes>(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(bytes->data(), values.data(), bytes->size());
  t.data = std::move(bytes);
  return t;
}

// Values of an integer constant (any integer dtype) widened to int64, and of a
// float constant as float. Used by importers for shape-like operands.
std::vector<int64_t> constant_ints(const Tensor& tensor);
std::vector<float> constant_floats(const Tensor& tensor);

}  // namespace octet
