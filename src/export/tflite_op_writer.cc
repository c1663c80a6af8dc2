#include "export/tflite_op_writer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "export/tflite_model_builder.h"
#include "runtime/engine.h"

namespace octet {

flatbuffers::FlatBufferBuilder& TfliteOpWriter::builder() { return model_.fbb(); }

int TfliteOpWriter::input(size_t i) { return has_input(i) ? model_.tensor_for(node_.inputs[i]) : -1; }

int TfliteOpWriter::output(size_t i) { return model_.tensor_for(node_.outputs.at(i)); }

int TfliteOpWriter::add_constant(Tensor tensor) {
  tensor.name = node_.name + "/" + tensor.name;
  return model_.add_tensor(std::move(tensor));
}

int TfliteOpWriter::add_int32s(const std::string& name, const std::vector<int64_t>& values) {
  return add_int32s(name, values, {static_cast<int64_t>(values.size())});
}

int TfliteOpWriter::add_int32s(const std::string& name, const std::vector<int64_t>& values, Shape shape) {
  std::vector<int32_t> narrow;
  for (int64_t v : values) {
    if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())
      unsupported(name + " value " + std::to_string(v) + " does not fit TFLite's int32");
    narrow.push_back(static_cast<int32_t>(v));
  }
  return add_constant(make_constant(name, std::move(shape), narrow));
}

int TfliteOpWriter::add_intermediate(const std::string& name, DType dtype, Shape shape, QuantParams quant) {
  Tensor t;
  t.name = node_.name + "/" + name;
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.quant = std::move(quant);
  return model_.add_tensor(std::move(t));
}

void TfliteOpWriter::add_operator(TfliteOperator op) { model_.add_operator(op); }

void TfliteOpWriter::unsupported(const std::string& why) const {
  fail(ErrorKind::Unsupported,
       "node '" + node_.name + "' (" + op_name(node_.op) + ") has no TFLite form: " + why);
}

void TfliteOpWriter::require_same_quantization(size_t in, size_t out) const {
  const QuantParams &a = input_tensor(in).quant, &b = output_tensor(out).quant;
  if (a.scales == b.scales && a.zero_points == b.zero_points) return;
  unsupported("TFLite's kernel copies stored values, so output " + std::to_string(out) +
              " must be quantized exactly as input " + std::to_string(in));
}

void add_reshape(TfliteOpWriter& w, int from, int to, const Shape& shape) {
  TfliteOperator op{tflite::BuiltinOperator_RESHAPE, 1, {from}, {to}};
  if (!shape.empty()) op.inputs.push_back(w.add_int32s("shape", shape));
  const std::vector<int32_t> new_shape(shape.begin(), shape.end());  // add_int32s checked the range
  op.options_type = tflite::BuiltinOptions_ReshapeOptions;
  op.options = tflite::CreateReshapeOptions(w.builder(), w.builder().CreateVector(new_shape)).Union();
  w.add_operator(op);
}

// Versions from op_version.cc.
constexpr DTypeVersion kReluVersions[] = {{DType::Int8, 2}, {DType::UInt8, 2}, {DType::Int16, 3}};
constexpr DTypeVersion kRelu6Versions[] = {{DType::Int8, 2}, {DType::Int16, 3}};

void add_activation(TfliteOpWriter& w, Activation activation, DType dtype, int from, int to) {
  switch (activation) {
    case Activation::Relu:
      return w.add_operator({tflite::BuiltinOperator_RELU, version_for(kReluVersions, dtype), {from}, {to}});
    case Activation::Relu6:
      return w.add_operator({tflite::BuiltinOperator_RELU6, version_for(kRelu6Versions, dtype), {from}, {to}});
    case Activation::ReluN1To1: return w.add_operator({tflite::BuiltinOperator_RELU_N1_TO_1, 1, {from}, {to}});
    case Activation::None: break;
  }
  fail(ErrorKind::Internal, "add_activation without an activation");
}

tflite::ActivationFunctionType fused_activation(const Node& node) {
  switch (activation_of(node)) {
    case Activation::None: return tflite::ActivationFunctionType_NONE;
    case Activation::Relu: return tflite::ActivationFunctionType_RELU;
    case Activation::Relu6: return tflite::ActivationFunctionType_RELU6;
    case Activation::ReluN1To1: return tflite::ActivationFunctionType_RELU_N1_TO_1;
  }
  return tflite::ActivationFunctionType_NONE;
}

Tensor permuted_constant(const Tensor& tensor, const std::vector<int64_t>& perm) {
  Graph scratch;
  Tensor source = tensor;
  source.name = "source";
  const int in = scratch.add_tensor(std::move(source));
  Attributes attrs;
  attrs.set("perm", perm);
  const int n = scratch.add_node(OpKind::Transpose, "permute", {in}, attrs);
  evaluate_constant_node(scratch, scratch.nodes[n]);
  Tensor result = scratch.tensor(scratch.nodes[n].outputs[0]);
  result.name = tensor.name;
  result.quant = tensor.quant;
  if (tensor.quant.axis >= 0)
    result.quant.axis = static_cast<int>(std::find(perm.begin(), perm.end(), tensor.quant.axis) - perm.begin());
  return result;
}

namespace {

template <typename T>
Tensor saturated_scalar(const std::string& name, double value) {
  T v = static_cast<T>(0);
  if constexpr (std::is_floating_point_v<T>) v = static_cast<T>(value);
  else if (value <= static_cast<double>(std::numeric_limits<T>::lowest())) v = std::numeric_limits<T>::lowest();
  else if (value >= static_cast<double>(std::numeric_limits<T>::max())) v = std::numeric_limits<T>::max();
  else v = static_cast<T>(value);
  return make_constant<T>(name, {1}, {v});
}

}  // namespace

Tensor scalar_like(const std::string& name, const Tensor& like, double value) {
  if (!like.quant.empty()) value = std::round(value / like.quant.scales[0]) + like.quant.zero_points[0];
  Tensor t;
  switch (like.dtype) {
    case DType::Float32: t = saturated_scalar<float>(name, value); break;
    case DType::Int8: t = saturated_scalar<int8_t>(name, value); break;
    case DType::UInt8: t = saturated_scalar<uint8_t>(name, value); break;
    case DType::Int16: t = saturated_scalar<int16_t>(name, value); break;
    case DType::Int32: t = saturated_scalar<int32_t>(name, value); break;
    case DType::Int64: t = saturated_scalar<int64_t>(name, value); break;
    default: fail(ErrorKind::Unsupported, std::string("no scalar constant of type ") + dtype_name(like.dtype));
  }
  if (!like.quant.empty()) t.quant = {{like.quant.scales[0]}, {like.quant.zero_points[0]}, -1};
  return t;
}

tflite::TensorType tflite_type(DType dtype) {
  switch (dtype) {
    case DType::Float32: return tflite::TensorType_FLOAT32;
    case DType::Float16: return tflite::TensorType_FLOAT16;
    case DType::Int8: return tflite::TensorType_INT8;
    case DType::UInt8: return tflite::TensorType_UINT8;
    case DType::Int16: return tflite::TensorType_INT16;
    case DType::Int32: return tflite::TensorType_INT32;
    case DType::Int64: return tflite::TensorType_INT64;
    case DType::Bool: return tflite::TensorType_BOOL;
  }
  fail(ErrorKind::Internal, std::string("no TFLite type for ") + dtype_name(dtype));
}

}  // namespace octet
