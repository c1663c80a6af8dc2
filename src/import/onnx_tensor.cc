#include "import/onnx_tensor.h"

#include <onnx/onnx_pb.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "graph/error.h"

namespace octet {

float half_to_float(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16;
  uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ffu;
  uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {  // subnormal half: renormalize
      int e = -1;
      do { ++e; mantissa <<= 1; } while ((mantissa & 0x400u) == 0);
      bits = sign | ((127 - 15 - e) << 23) | ((mantissa & 0x3ffu) << 13);
    }
  } else if (exponent == 31) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else {
    bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

DType dtype_from_onnx(int onnx_type, const std::string& what) {
  using TP = onnx::TensorProto;
  switch (onnx_type) {
    case TP::FLOAT: case TP::FLOAT16: case TP::DOUBLE: return DType::Float32;
    case TP::UINT8: return DType::UInt8;
    case TP::INT8: return DType::Int8;
    case TP::INT16: return DType::Int16;
    case TP::INT32: return DType::Int32;
    case TP::INT64: return DType::Int64;
    case TP::BOOL: return DType::Bool;
    default:
      fail(ErrorKind::Unsupported, what + ": ONNX element type " +
                                       onnx::TensorProto::DataType_Name(
                                           static_cast<onnx::TensorProto::DataType>(onnx_type)) +
                                       " is not supported");
  }
}

static std::string read_external(const onnx::TensorProto& proto, const std::string& base_dir) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto& entry : proto.external_data()) {
    if (entry.key() == "location") location = entry.value();
    else if (entry.key() == "offset") offset = std::stoll(entry.value());
    else if (entry.key() == "length") length = std::stoll(entry.value());
  }
  std::string path = base_dir.empty() ? location : base_dir + "/" + location;
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorKind::BadFile, "tensor '" + proto.name() + "': cannot open external data file " + path);
  in.seekg(0, std::ios::end);
  int64_t size = in.tellg();
  if (length < 0) length = size - offset;
  if (offset + length > size)
    fail(ErrorKind::BadFile, "tensor '" + proto.name() + "': external data " + path + " is truncated");
  std::string bytes(length, '\0');
  in.seekg(offset);
  in.read(bytes.data(), length);
  return bytes;
}

// Copies `count` elements from raw little-endian bytes or from the typed
// repeated field into the destination type.
template <typename Dst, typename Src, typename Field>
static void copy_values(const std::string& raw, const Field& field, int64_t count, Dst* out,
                        const std::string& name) {
  if (!raw.empty()) {
    if (raw.size() != count * sizeof(Src))
      fail(ErrorKind::BadFile, "tensor '" + name + "': raw data holds " + std::to_string(raw.size()) +
                                   " bytes, shape needs " + std::to_string(count * sizeof(Src)));
    for (int64_t i = 0; i < count; ++i) {
      Src v;
      std::memcpy(&v, raw.data() + i * sizeof(Src), sizeof(Src));
      out[i] = static_cast<Dst>(v);
    }
    return;
  }
  if (field.size() != count)
    fail(ErrorKind::BadFile, "tensor '" + name + "': holds " + std::to_string(field.size()) +
                                 " values, shape needs " + std::to_string(count));
  for (int64_t i = 0; i < count; ++i) out[i] = static_cast<Dst>(static_cast<Src>(field.Get(i)));
}

Tensor tensor_from_onnx(const onnx::TensorProto& proto, const std::string& base_dir) {
  using TP = onnx::TensorProto;
  Tensor t;
  t.name = proto.name();
  t.dtype = dtype_from_onnx(proto.data_type(), "tensor '" + proto.name() + "'");
  for (int64_t d : proto.dims()) {
    if (d < 0) fail(ErrorKind::BadFile, "tensor '" + proto.name() + "' has a negative dimension");
    t.shape.push_back(d);
  }
  const int64_t n = t.element_count();
  std::string raw = proto.data_location() == TP::EXTERNAL ? read_external(proto, base_dir)
                                                          : proto.raw_data();
  auto bytes = std::make_shared<Bytes>(t.byte_size());
  void* out = bytes->data();
  const std::string& name = proto.name();
  switch (proto.data_type()) {
    case TP::FLOAT: copy_values<float, float>(raw, proto.float_data(), n, (float*)out, name); break;
    case TP::DOUBLE: copy_values<float, double>(raw, proto.double_data(), n, (float*)out, name); break;
    case TP::FLOAT16: {
      // int32_data holds float16 bit patterns when raw_data is absent.
      std::vector<uint16_t> bits(n);
      copy_values<uint16_t, uint16_t>(raw, proto.int32_data(), n, bits.data(), name);
      for (int64_t i = 0; i < n; ++i) ((float*)out)[i] = half_to_float(bits[i]);
      break;
    }
    case TP::UINT8: copy_values<uint8_t, uint8_t>(raw, proto.int32_data(), n, (uint8_t*)out, name); break;
    case TP::INT8: copy_values<int8_t, int8_t>(raw, proto.int32_data(), n, (int8_t*)out, name); break;
    case TP::INT16: copy_values<int16_t, int16_t>(raw, proto.int32_data(), n, (int16_t*)out, name); break;
    case TP::INT32: copy_values<int32_t, int32_t>(raw, proto.int32_data(), n, (int32_t*)out, name); break;
    case TP::INT64: copy_values<int64_t, int64_t>(raw, proto.int64_data(), n, (int64_t*)out, name); break;
    case TP::BOOL: copy_values<bool, bool>(raw, proto.int32_data(), n, (bool*)out, name); break;
  }
  t.data = std::move(bytes);
  return t;
}

Tensor read_onnx_tensor_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorKind::BadFile, path + ": cannot open");
  std::stringstream buffer;
  buffer << in.rdbuf();
  onnx::TensorProto proto;
  if (!proto.ParseFromString(buffer.str())) fail(ErrorKind::BadFile, path + ": not a serialized ONNX tensor");
  std::string dir = path.substr(0, path.find_last_of('/'));
  return tensor_from_onnx(proto, dir);
}

}  // namespace octet
