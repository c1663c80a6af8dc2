// Element types of IR tensors. Values are octet's own; the TFLite and ONNX
// importers translate their enums into these.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace octet {

enum class DType { Float32, Float16, Int8, UInt8, Int16, Int32, Int64, Bool };

size_t dtype_size(DType dtype);
const char* dtype_name(DType dtype);  // "float32", "int8", ... (numpy spelling)

// The C++ type behind a dtype, for templated kernels.
template <typename T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::Float32; }
template <> constexpr DType dtype_of<int8_t>() { return DType::Int8; }
template <> constexpr DType dtype_of<uint8_t>() { return DType::UInt8; }
template <> constexpr DType dtype_of<int16_t>() { return DType::Int16; }
template <> constexpr DType dtype_of<int32_t>() { return DType::Int32; }
template <> constexpr DType dtype_of<int64_t>() { return DType::Int64; }
template <> constexpr DType dtype_of<bool>() { return DType::Bool; }

}  // namespace octet
