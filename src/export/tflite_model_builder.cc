#include "export/tflite_model_builder.h"

#include <algorithm>
#include <limits>

#include "graph/error.h"

namespace octet {

namespace {

// A flatbuffer cannot exceed 2 GiB; weights beyond that would need the
// "data after the flatbuffer" layout, which octet does not write.
constexpr size_t kMaxConstantBytes = size_t{2} << 30;

[[noreturn]] void internal(const std::string& why) { fail(ErrorKind::Internal, "TFLite writer: " + why); }

std::vector<int32_t> int32_dims(const Tensor& tensor) {
  std::vector<int32_t> dims;
  for (int64_t d : tensor.shape) {
    if (d < 0 || d > std::numeric_limits<int32_t>::max())
      fail(ErrorKind::Unsupported, "tensor '" + tensor.name + "' has shape " + shape_string(tensor.shape) +
                                       ", which TFLite's int32 dimensions cannot hold");
    dims.push_back(static_cast<int32_t>(d));
  }
  return dims;
}

}  // namespace

TfliteModelBuilder::TfliteModelBuilder(const Graph& graph) : graph_(graph) {
  // Derived tensors must not take a name that an IR tensor written later has.
  for (const Tensor& t : graph.tensors) names_.insert(t.name);
}

int TfliteModelBuilder::append(Tensor tensor, bool available) {
  tensors_.push_back(std::move(tensor));
  available_.push_back(available);
  return static_cast<int>(tensors_.size()) - 1;
}

int TfliteModelBuilder::tensor_for(int id) {
  auto it = file_index_.find(id);
  if (it != file_index_.end()) return it->second;
  const Tensor& tensor = graph_.tensor(id);
  const bool is_input = std::find(graph_.inputs.begin(), graph_.inputs.end(), id) != graph_.inputs.end();
  const int index = append(tensor, tensor.is_constant() || is_input);
  file_index_[id] = index;
  return index;
}

std::string TfliteModelBuilder::unique_name(const std::string& base) const {
  if (!names_.count(base)) return base;
  for (int i = 2;; ++i) {
    std::string name = base + "_" + std::to_string(i);
    if (!names_.count(name)) return name;
  }
}

int TfliteModelBuilder::add_tensor(Tensor tensor) {
  tensor.name = unique_name(tensor.name);
  names_.insert(tensor.name);
  const bool constant = tensor.is_constant();
  return append(std::move(tensor), constant);
}

int TfliteModelBuilder::code_for(tflite::BuiltinOperator code, int version) {
  const std::pair<int, int> key{code, version};
  auto it = code_index_.find(key);
  if (it != code_index_.end()) return it->second;
  codes_.push_back(key);
  return code_index_[key] = static_cast<int>(codes_.size()) - 1;
}

void TfliteModelBuilder::add_operator(const TfliteOperator& op) {
  const char* name = tflite::EnumNameBuiltinOperator(op.code);
  for (int t : op.inputs)
    if (t != -1 && !available_.at(t))
      internal(std::string(name) + " reads '" + tensors_[t].name + "' before any operator writes it");
  for (int t : op.outputs) {
    if (available_.at(t)) internal(std::string(name) + " writes '" + tensors_[t].name + "' a second time");
    available_[t] = true;
  }
  operators_.push_back(tflite::CreateOperator(fbb_, static_cast<uint32_t>(code_for(op.code, op.version)),
                                              fbb_.CreateVector(op.inputs), fbb_.CreateVector(op.outputs),
                                              op.options_type, op.options));
}

flatbuffers::Offset<tflite::Tensor> TfliteModelBuilder::write_tensor(const Tensor& tensor, uint32_t buffer) {
  flatbuffers::Offset<tflite::QuantizationParameters> quant = 0;
  if (!tensor.quant.empty())
    quant = tflite::CreateQuantizationParameters(fbb_, 0, 0, fbb_.CreateVector(tensor.quant.scales),
                                                 fbb_.CreateVector(tensor.quant.zero_points),
                                                 tflite::QuantizationDetails_NONE, 0,
                                                 std::max(tensor.quant.axis, 0));
  // Shapes are static, so every tensor has a known rank (scalars included).
  return tflite::CreateTensor(fbb_, fbb_.CreateVector(int32_dims(tensor)), tflite_type(tensor.dtype), buffer,
                              fbb_.CreateString(tensor.name), quant, false, 0, 0, true);
}

// The signature TFLite's converter writes ("serving_default", inputs and
// outputs by tensor name), which signature-based runners look up.
flatbuffers::Offset<tflite::SignatureDef> TfliteModelBuilder::serving_signature(const std::vector<int>& inputs,
                                                                                const std::vector<int>& outputs) {
  auto tensor_maps = [&](const std::vector<int>& indices) {
    std::vector<flatbuffers::Offset<tflite::TensorMap>> maps;
    for (int t : indices)
      maps.push_back(tflite::CreateTensorMap(fbb_, fbb_.CreateString(tensors_[t].name), static_cast<uint32_t>(t)));
    return fbb_.CreateVector(maps);
  };
  auto input_maps = tensor_maps(inputs);
  auto output_maps = tensor_maps(outputs);
  return tflite::CreateSignatureDef(fbb_, input_maps, output_maps, fbb_.CreateString("serving_default"));
}

Bytes TfliteModelBuilder::finish(const std::string& description) {
  std::vector<int> inputs, outputs;
  for (int id : graph_.inputs) inputs.push_back(tensor_for(id));
  for (int id : graph_.outputs) {
    outputs.push_back(tensor_for(id));
    if (!available_[outputs.back()]) internal("graph output '" + graph_.tensor(id).name + "' is never written");
  }

  size_t constant_bytes = 0;
  for (const Tensor& t : tensors_) constant_bytes += t.is_constant() ? t.data->size() : 0;
  if (constant_bytes >= kMaxConstantBytes)
    fail(ErrorKind::Unsupported, "the model's constants take " + std::to_string(constant_bytes) +
                                     " bytes; a TFLite flatbuffer holds less than 2 GiB");

  // Buffer 0 is the empty sentinel of non-constant tensors; each constant has
  // its own buffer, 16-byte aligned so kernels may map weights in place.
  std::vector<flatbuffers::Offset<tflite::Buffer>> buffers{tflite::CreateBuffer(fbb_)};
  std::vector<flatbuffers::Offset<tflite::Tensor>> tensors;
  for (const Tensor& t : tensors_) {
    uint32_t buffer = 0;
    if (t.is_constant()) {
      fbb_.ForceVectorAlignment(t.data->size(), sizeof(uint8_t), 16);
      buffer = static_cast<uint32_t>(buffers.size());
      buffers.push_back(tflite::CreateBuffer(fbb_, fbb_.CreateVector(t.data->data(), t.data->size())));
    }
    tensors.push_back(write_tensor(t, buffer));
  }

  std::vector<flatbuffers::Offset<tflite::OperatorCode>> codes;
  for (const auto& [code, version] : codes_)
    codes.push_back(tflite::CreateOperatorCode(fbb_, static_cast<int8_t>(std::min(code, 127)), 0, version,
                                               static_cast<tflite::BuiltinOperator>(code)));

  auto subgraph = tflite::CreateSubGraph(fbb_, fbb_.CreateVector(tensors), fbb_.CreateVector(inputs),
                                         fbb_.CreateVector(outputs), fbb_.CreateVector(operators_),
                                         fbb_.CreateString("main"));
  auto signature = serving_signature(inputs, outputs);
  auto model = tflite::CreateModel(fbb_, 3, fbb_.CreateVector(codes), fbb_.CreateVector(&subgraph, 1),
                                   fbb_.CreateString(description), fbb_.CreateVector(buffers), 0, 0,
                                   fbb_.CreateVector(&signature, 1));
  tflite::FinishModelBuffer(fbb_, model);

  Bytes bytes(fbb_.GetBufferPointer(), fbb_.GetBufferPointer() + fbb_.GetSize());
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  if (!tflite::VerifyModelBuffer(verifier)) internal("the written model does not pass the flatbuffer verifier");
  return bytes;
}

}  // namespace octet
