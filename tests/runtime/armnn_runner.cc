#include "armnn_runner.h"

#include <armnn/ArmNN.hpp>
#include <armnnTfLiteParser/ITfLiteParser.hpp>

#include <fstream>
#include <iterator>
#include <set>

#include "graph/error.h"
#include "import/tflite_file.h"

namespace octet::armnn_ref {
namespace {

DType dtype_of(armnn::DataType type) {
  switch (type) {
    case armnn::DataType::Float32: return DType::Float32;
    case armnn::DataType::QAsymmS8:
    case armnn::DataType::QSymmS8: return DType::Int8;
    case armnn::DataType::QAsymmU8: return DType::UInt8;
    case armnn::DataType::Signed32: return DType::Int32;
    default:
      fail(ErrorKind::Unsupported, std::string("Arm NN tensor type ") + armnn::GetDataTypeName(type) +
                                       " has no octet dtype");
  }
}

// An output tensor shaped and typed as Arm NN says, with room for its data.
Tensor empty_output(const std::string& name, const armnn::TensorInfo& info) {
  Tensor t;
  t.name = name;
  t.dtype = dtype_of(info.GetDataType());
  for (unsigned d = 0; d < info.GetNumDimensions(); ++d) t.shape.push_back(info.GetShape()[d]);
  if (t.dtype != DType::Float32 && t.dtype != DType::Int32)
    t.quant = {{info.GetQuantizationScale()}, {info.GetQuantizationOffset()}, -1};
  t.data = std::make_shared<Bytes>(t.byte_size());
  return t;
}

void check_input(const Tensor& given, const std::string& name, const armnn::TensorInfo& info) {
  if (!given.data || given.dtype != dtype_of(info.GetDataType()) ||
      given.element_count() != static_cast<int64_t>(info.GetNumElements()))
    fail(ErrorKind::Usage, "input '" + name + "' needs " + armnn::GetDataTypeName(info.GetDataType()) + " with " +
                               std::to_string(info.GetNumElements()) + " elements, got " + dtype_name(given.dtype) +
                               shape_string(given.shape));
}

// The first line of an Arm NN message (some add a source location below).
std::string first_line(const char* message) {
  const std::string text = message;
  return text.substr(0, text.find('\n'));
}

// The builtin operators Arm NN 20.08's TFLite parser registers (its Parse*
// functions; CUSTOM only for TFLite_Detection_PostProcess).
bool parser_reads(tflite::BuiltinOperator code) {
  using namespace tflite;
  static const std::set<BuiltinOperator> known{
      BuiltinOperator_ADD, BuiltinOperator_AVERAGE_POOL_2D, BuiltinOperator_BATCH_TO_SPACE_ND,
      BuiltinOperator_CONCATENATION, BuiltinOperator_CONV_2D, BuiltinOperator_CUSTOM,
      BuiltinOperator_DEPTHWISE_CONV_2D, BuiltinOperator_DEQUANTIZE, BuiltinOperator_DIV, BuiltinOperator_EXP,
      BuiltinOperator_FULLY_CONNECTED, BuiltinOperator_HARD_SWISH, BuiltinOperator_L2_NORMALIZATION,
      BuiltinOperator_LEAKY_RELU, BuiltinOperator_LOGISTIC, BuiltinOperator_MAX_POOL_2D, BuiltinOperator_MAXIMUM,
      BuiltinOperator_MEAN, BuiltinOperator_MINIMUM, BuiltinOperator_MUL, BuiltinOperator_NEG, BuiltinOperator_PACK,
      BuiltinOperator_PAD, BuiltinOperator_QUANTIZE, BuiltinOperator_RELU, BuiltinOperator_RELU6,
      BuiltinOperator_RESHAPE, BuiltinOperator_RESIZE_BILINEAR, BuiltinOperator_RESIZE_NEAREST_NEIGHBOR,
      BuiltinOperator_SLICE, BuiltinOperator_SOFTMAX, BuiltinOperator_SPACE_TO_BATCH_ND, BuiltinOperator_SPLIT,
      BuiltinOperator_SPLIT_V, BuiltinOperator_SQUEEZE, BuiltinOperator_STRIDED_SLICE, BuiltinOperator_SUB,
      BuiltinOperator_TANH, BuiltinOperator_TRANSPOSE, BuiltinOperator_TRANSPOSE_CONV, BuiltinOperator_UNPACK};
  return known.count(code) > 0;
}

}  // namespace

std::vector<TensorSet> run_tflite(const Bytes& model, const std::vector<TensorSet>& input_sets) {
  armnnTfLiteParser::ITfLiteParserPtr parser = armnnTfLiteParser::ITfLiteParser::Create();
  armnn::IRuntimePtr runtime = armnn::IRuntime::Create(armnn::IRuntime::CreationOptions());
  armnn::NetworkId network_id = 0;
  try {
    armnn::INetworkPtr network = parser->CreateNetworkFromBinary(model);
    armnn::IOptimizedNetworkPtr optimized =
        armnn::Optimize(*network, {armnn::Compute::CpuRef}, runtime->GetDeviceSpec());
    std::string message;
    if (runtime->LoadNetwork(network_id, std::move(optimized), message) != armnn::Status::Success)
      fail(ErrorKind::BadFile, "Arm NN cannot load the network: " + message);
  } catch (const armnn::Exception& e) {
    fail(ErrorKind::BadFile, "Arm NN rejects the model: " + first_line(e.what()));
  }

  const std::vector<std::string> input_names = parser->GetSubgraphInputTensorNames(0);
  const std::vector<std::string> output_names = parser->GetSubgraphOutputTensorNames(0);
  std::vector<TensorSet> results;
  for (const TensorSet& set : input_sets) {
    if (set.size() != input_names.size())
      fail(ErrorKind::Usage, "the model has " + std::to_string(input_names.size()) + " inputs, the set " +
                                 std::to_string(set.size()));
    armnn::InputTensors inputs;
    for (size_t i = 0; i < set.size(); ++i) {
      const armnn::BindingPointInfo binding = parser->GetNetworkInputBindingInfo(0, input_names[i]);
      check_input(set[i], input_names[i], binding.second);
      inputs.emplace_back(binding.first, armnn::ConstTensor(binding.second, set[i].data->data()));
    }
    TensorSet outputs;
    armnn::OutputTensors output_tensors;
    for (const std::string& name : output_names) {
      const armnn::BindingPointInfo binding = parser->GetNetworkOutputBindingInfo(0, name);
      outputs.push_back(empty_output(name, binding.second));
      // Writes through the buffer the Tensor shares; no one else holds it yet.
      output_tensors.emplace_back(binding.first,
                                  armnn::Tensor(binding.second, const_cast<uint8_t*>(outputs.back().data->data())));
    }
    try {
      if (runtime->EnqueueWorkload(network_id, inputs, output_tensors) != armnn::Status::Success)
        fail(ErrorKind::BadFile, "Arm NN failed to run the network");
    } catch (const armnn::Exception& e) {
      fail(ErrorKind::BadFile, "Arm NN failed to run the network: " + first_line(e.what()));
    }
    results.push_back(std::move(outputs));
  }
  return results;
}

std::vector<TensorSet> run_tflite_file(const std::string& model_path, const std::vector<TensorSet>& input_sets) {
  std::ifstream in(model_path, std::ios::binary);
  if (!in) fail(ErrorKind::BadFile, "cannot read " + model_path);
  const Bytes model{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return run_tflite(model, input_sets);
}

std::string known_incompatibility(const std::string& model_path) {
  const TfliteFile file(model_path);
  const tflite::SubGraph& graph = file.main_subgraph();
  if (!graph.operators()) return "";
  for (const tflite::Operator* op : *graph.operators()) {
    const tflite::BuiltinOperator code = builtin_code(file.model(), *op);
    if (!parser_reads(code))
      return tflite_op_name(file.model(), *op) + ": Arm NN 20.08's TFLite parser has no such operator";
    if (!op->inputs()) continue;
    for (size_t i = 0; i < op->inputs()->size(); ++i)
      if (op->inputs()->Get(i) < 0)
        return tflite_op_name(file.model(), *op) + " leaves out optional input " + std::to_string(i) +
               ": Arm NN 20.08's TFLite parser rejects the -1 index";
    if (code == tflite::BuiltinOperator_PAD) {
      const int input = op->inputs()->Get(0);
      const QuantParams quant = quant_params(file.tensor(input), input);
      if (!quant.empty() && quant.zero_points[0] != 0)
        return "PAD of '" + tensor_name(file.tensor(input), input) + "' (zero point " +
               std::to_string(quant.zero_points[0]) +
               "): Arm NN 20.08 pads quantized tensors with 0, not the zero point";
    }
    if (code == tflite::BuiltinOperator_FULLY_CONNECTED) {
      const int weights = op->inputs()->Get(1);
      if (quant_params(file.tensor(weights), weights).scales.size() > 1)
        return "FULLY_CONNECTED with per-channel weights '" + tensor_name(file.tensor(weights), weights) +
               "': Arm NN 20.08 aborts on them";
    }
  }
  return "";
}

}  // namespace octet::armnn_ref
