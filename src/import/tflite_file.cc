#include "import/tflite_file.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <memory>

#include "graph/error.h"

namespace octet {

namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorKind::BadFile, "cannot open file");
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

const tflite::OperatorCode& operator_code(const tflite::Model& model, const tflite::Operator& op) {
  const auto* codes = model.operator_codes();
  if (!codes || op.opcode_index() >= codes->size())
    fail(ErrorKind::BadFile, "operator refers to operator code " + std::to_string(op.opcode_index()) +
                                 ", which the model does not define");
  return *codes->Get(op.opcode_index());
}

}  // namespace

TfliteFile::TfliteFile(const std::string& path) : bytes_(read_file(path)) {
  const char* why = nullptr;
  if (bytes_.size() < 8 || !tflite::ModelBufferHasIdentifier(bytes_.data()))
    why = "no 'TFL3' identifier";
  else if (flatbuffers::Verifier verifier(bytes_.data(), bytes_.size()); !tflite::VerifyModelBuffer(verifier))
    why = "the flatbuffer does not verify: truncated or corrupt";
  if (why) fail(ErrorKind::BadFile, std::string("not a valid TFLite model (") + why + ")");
}

const tflite::SubGraph& TfliteFile::main_subgraph() const {
  const auto* subgraphs = model().subgraphs();
  if (!subgraphs || subgraphs->size() == 0) fail(ErrorKind::BadFile, "model has no subgraph");
  return *subgraphs->Get(0);
}

const tflite::Tensor& TfliteFile::tensor(int index) const {
  const auto* tensors = main_subgraph().tensors();
  if (!tensors || index < 0 || static_cast<size_t>(index) >= tensors->size())
    fail(ErrorKind::BadFile, "reference to tensor " + std::to_string(index) + ", which the model does not define");
  return *tensors->Get(index);
}

TfliteFile::Span TfliteFile::constant_data(const tflite::Tensor& tensor) const {
  // Buffer 0 is the empty sentinel that every non-constant tensor points at.
  if (tensor.buffer() == 0) return {};
  const auto* buffers = model().buffers();
  if (!buffers || tensor.buffer() >= buffers->size())
    fail(ErrorKind::BadFile, "tensor '" + tensor_name(tensor, -1) + "' refers to buffer " +
                                 std::to_string(tensor.buffer()) + ", which the model does not define");
  const tflite::Buffer& buffer = *buffers->Get(tensor.buffer());
  if (buffer.data() && buffer.data()->size() > 0) return {buffer.data()->data(), buffer.data()->size()};
  // Large models keep their weights after the flatbuffer; offsets 0 and 1 mean "none".
  if (buffer.offset() > 1 && buffer.size() > 0) {
    if (buffer.offset() > bytes_.size() || buffer.size() > bytes_.size() - buffer.offset())
      fail(ErrorKind::BadFile, "buffer " + std::to_string(tensor.buffer()) + " lies beyond the end of the file");
    return {bytes_.data() + buffer.offset(), static_cast<size_t>(buffer.size())};
  }
  return {};
}

Tensor TfliteFile::constant(int index, const std::string& name) const {
  const tflite::Tensor& source = tensor(index);
  if (source.sparsity()) fail(ErrorKind::Unsupported, "constant '" + name + "' is stored sparse");
  Tensor t;
  t.name = name;
  t.dtype = dtype_from_tflite(source.type(), "constant '" + name + "'");
  t.shape = tensor_shape(source);
  t.quant = quant_params(source, index);
  const Span data = constant_data(source);
  if (data.size != t.byte_size())
    fail(ErrorKind::BadFile, "constant '" + name + "' holds " + std::to_string(data.size) + " bytes, " +
                                 dtype_name(t.dtype) + shape_string(t.shape) + " needs " +
                                 std::to_string(t.byte_size()));
  // A copy: data stored after the flatbuffer need not be aligned.
  t.data = std::make_shared<Bytes>(data.data, data.data + data.size);
  return t;
}

tflite::BuiltinOperator builtin_code(const tflite::Model& model, const tflite::Operator& op) {
  const tflite::OperatorCode& code = operator_code(model, op);
  int legacy = code.deprecated_builtin_code();
  return static_cast<tflite::BuiltinOperator>(std::max<int>(legacy, code.builtin_code()));
}

int op_version(const tflite::Model& model, const tflite::Operator& op) {
  return operator_code(model, op).version();
}

std::string tflite_op_name(const tflite::Model& model, const tflite::Operator& op) {
  tflite::BuiltinOperator code = builtin_code(model, op);
  if (code == tflite::BuiltinOperator_CUSTOM) {
    const auto* custom = operator_code(model, op).custom_code();
    return std::string("CUSTOM(") + (custom ? custom->str() : "") + ")";
  }
  const char* name = tflite::EnumNameBuiltinOperator(code);
  return name && *name ? name : "BUILTIN_" + std::to_string(static_cast<int>(code));
}

std::string tflite_type_name(tflite::TensorType type) {
  const char* upper = tflite::EnumNameTensorType(type);
  if (!upper || !*upper) return "type_" + std::to_string(static_cast<int>(type));
  std::string name(upper);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  return name;
}

DType dtype_from_tflite(tflite::TensorType type, const std::string& what) {
  switch (type) {
    case tflite::TensorType_FLOAT32: return DType::Float32;
    case tflite::TensorType_FLOAT16: return DType::Float16;
    case tflite::TensorType_INT8: return DType::Int8;
    case tflite::TensorType_UINT8: return DType::UInt8;
    case tflite::TensorType_INT16: return DType::Int16;
    case tflite::TensorType_INT32: return DType::Int32;
    case tflite::TensorType_INT64: return DType::Int64;
    case tflite::TensorType_BOOL: return DType::Bool;
    default:
      fail(ErrorKind::Unsupported, what + " has type " + tflite_type_name(type) + ", which octet does not support");
  }
}

std::string tensor_name(const tflite::Tensor& tensor, int index) {
  if (tensor.name() && tensor.name()->size() > 0) return tensor.name()->str();
  return "tensor " + std::to_string(index);
}

Shape tensor_shape(const tflite::Tensor& tensor) {
  if (!tensor.shape()) return {};
  return Shape(tensor.shape()->begin(), tensor.shape()->end());
}

QuantParams quant_params(const tflite::Tensor& tensor, int index) {
  QuantParams q;
  const auto* source = tensor.quantization();
  if (!source || !source->scale() || source->scale()->size() == 0) return q;
  q.scales.assign(source->scale()->begin(), source->scale()->end());
  if (source->zero_point() && source->zero_point()->size() > 0)
    q.zero_points.assign(source->zero_point()->begin(), source->zero_point()->end());
  else
    q.zero_points.assign(q.scales.size(), 0);
  if (q.zero_points.size() != q.scales.size())
    fail(ErrorKind::BadFile, "tensor '" + tensor_name(tensor, index) + "' has " + std::to_string(q.scales.size()) +
                                 " scales but " + std::to_string(q.zero_points.size()) + " zero points");
  if (q.scales.size() > 1) q.axis = source->quantized_dimension();
  return q;
}

}  // namespace octet
