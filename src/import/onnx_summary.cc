#include "import/onnx_summary.h"

#include <onnx/onnx_pb.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "graph/error.h"

namespace octet {

static OnnxValueSummary summarize_value(const onnx::ValueInfoProto& value) {
  OnnxValueSummary s;
  s.name = value.name();
  const auto& type = value.type().tensor_type();
  s.dtype = type.elem_type() ? onnx::TensorProto::DataType_Name(
                                   static_cast<onnx::TensorProto::DataType>(type.elem_type()))
                             : "?";
  for (auto& c : s.dtype) c = static_cast<char>(std::tolower(c));
  if (s.dtype == "float") s.dtype = "float32";
  if (s.dtype == "double") s.dtype = "float64";
  for (const auto& dim : type.shape().dim())
    s.dims.push_back(dim.has_dim_value() ? std::to_string(dim.dim_value())
                                         : dim.has_dim_param() ? dim.dim_param() : "?");
  return s;
}

OnnxSummary summarize_onnx(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorKind::BadFile, path + ": cannot open file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  onnx::ModelProto model;
  if (!model.ParseFromString(buffer.str()) || model.graph().node_size() == 0)
    fail(ErrorKind::BadFile, path + ": not a valid ONNX model (unreadable, truncated or empty protobuf)");

  OnnxSummary s;
  s.path = path;
  s.file_size = std::filesystem::file_size(path);
  s.ir_version = model.ir_version();
  s.producer = model.producer_name() + (model.producer_version().empty() ? "" : " " + model.producer_version());
  for (const auto& entry : model.opset_import())
    if (entry.domain().empty() || entry.domain() == "ai.onnx") s.opset = static_cast<int>(entry.version());
  const auto& graph = model.graph();
  std::set<std::string> initializers;
  for (const auto& init : graph.initializer()) {
    initializers.insert(init.name());
    int64_t n = 1;
    for (int64_t d : init.dims()) n *= d;
    s.parameter_count += n;
  }
  for (const auto& input : graph.input())
    if (!initializers.count(input.name())) s.inputs.push_back(summarize_value(input));
  for (const auto& output : graph.output()) s.outputs.push_back(summarize_value(output));
  for (const auto& node : graph.node()) {
    std::string op = node.domain().empty() || node.domain() == "ai.onnx" ? node.op_type()
                                                                         : node.domain() + "." + node.op_type();
    ++s.op_histogram[op];
    ++s.node_count;
  }
  return s;
}

static nlohmann::json value_json(const OnnxValueSummary& v) {
  nlohmann::json shape = nlohmann::json::array();
  for (const auto& d : v.dims) {
    bool numeric = !d.empty() && d.find_first_not_of("0123456789") == std::string::npos;
    if (numeric) shape.push_back(std::stoll(d));
    else shape.push_back(d);
  }
  return {{"name", v.name}, {"dtype", v.dtype}, {"shape", shape}};
}

nlohmann::json to_json(const OnnxSummary& s) {
  nlohmann::json j;
  j["format"] = "onnx";
  j["path"] = s.path;
  j["file_size"] = s.file_size;
  j["ir_version"] = s.ir_version;
  j["opset"] = s.opset;
  j["producer"] = s.producer;
  j["inputs"] = nlohmann::json::array();
  for (const auto& v : s.inputs) j["inputs"].push_back(value_json(v));
  j["outputs"] = nlohmann::json::array();
  for (const auto& v : s.outputs) j["outputs"].push_back(value_json(v));
  j["node_count"] = s.node_count;
  j["op_histogram"] = s.op_histogram;
  j["parameter_count"] = s.parameter_count;
  return j;
}

}  // namespace octet
