#include "import/tflite_summary.h"

#include <algorithm>
#include <sstream>

#include "graph/error.h"
#include "import/tflite_file.h"

namespace octet {

namespace {

std::vector<int> indices(const flatbuffers::Vector<int32_t>* v) {
  return v ? std::vector<int>(v->begin(), v->end()) : std::vector<int>{};
}

TfliteTensorSummary summarize_tensor(const TfliteFile& file, const tflite::Tensor& tensor, int index) {
  TfliteTensorSummary s;
  s.index = index;
  s.name = tensor.name() ? tensor.name()->str() : "";
  s.dtype = tflite_type_name(tensor.type());
  s.shape = tensor_shape(tensor);
  if (tensor.shape_signature()) s.shape_signature.assign(tensor.shape_signature()->begin(), tensor.shape_signature()->end());
  s.is_constant = file.is_constant(tensor);
  s.quant = quant_params(tensor, index);
  return s;
}

TfliteOperatorSummary summarize_operator(const tflite::Model& model, const tflite::Operator& op, int index) {
  TfliteOperatorSummary s;
  s.index = index;
  s.op = tflite_op_name(model, op);
  s.version = op_version(model, op);
  s.inputs = indices(op.inputs());
  s.outputs = indices(op.outputs());
  return s;
}

void summarize_main_graph(const TfliteFile& file, TfliteSummary& s) {
  const tflite::SubGraph& graph = file.main_subgraph();
  const auto* tensors = graph.tensors();
  for (size_t i = 0; tensors && i < tensors->size(); ++i) {
    s.tensors.push_back(summarize_tensor(file, *tensors->Get(i), static_cast<int>(i)));
    if (s.tensors.back().is_constant) s.parameter_count += element_count(s.tensors.back().shape);
  }
  const auto* ops = graph.operators();
  for (size_t i = 0; ops && i < ops->size(); ++i) {
    s.operators.push_back(summarize_operator(file.model(), *ops->Get(i), static_cast<int>(i)));
    ++s.op_histogram[s.operators.back().op];
  }
  s.inputs = indices(graph.inputs());
  s.outputs = indices(graph.outputs());
}

struct Range {
  double min, max;
};
template <typename T>
Range range_of(const std::vector<T>& v) {
  auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  return {static_cast<double>(*lo), static_cast<double>(*hi)};
}

nlohmann::json quant_json(const QuantParams& q) {
  if (q.empty()) return nullptr;
  if (q.axis < 0) return {{"scale", q.scales[0]}, {"zero_point", q.zero_points[0]}};
  Range scales = range_of(q.scales), zero_points = range_of(q.zero_points);
  nlohmann::json j = {{"axis", q.axis},
                      {"count", q.scales.size()},
                      {"scale_min", scales.min},
                      {"scale_max", scales.max},
                      {"zero_point_min", static_cast<int64_t>(zero_points.min)},
                      {"zero_point_max", static_cast<int64_t>(zero_points.max)}};
  if (q.scales.size() <= kQuantListLimit) {
    j["scales"] = q.scales;
    j["zero_points"] = q.zero_points;
  }
  return j;
}

// Graph inputs and outputs with their name, dtype and shape, as the ONNX
// summary gives them, so the CLI prints both formats alike, plus their
// quantization: how to feed a quantized model and read its result.
nlohmann::json values_json(const TfliteSummary& s, const std::vector<int>& ids) {
  nlohmann::json values = nlohmann::json::array();
  for (int id : ids) {
    if (id < 0 || static_cast<size_t>(id) >= s.tensors.size()) continue;
    const TfliteTensorSummary& t = s.tensors[id];
    values.push_back({{"index", id},
                      {"name", t.name},
                      {"dtype", t.dtype},
                      {"shape", t.shape},
                      {"quantization", quant_json(t.quant)}});
  }
  return values;
}

}  // namespace

TfliteSummary summarize_tflite(const std::string& path) {
  try {
    TfliteFile file(path);
    TfliteSummary s;
    s.path = path;
    s.file_size = file.size();
    s.schema_version = file.model().version();
    if (file.model().description()) s.description = file.model().description()->str();
    s.subgraph_count = file.model().subgraphs() ? file.model().subgraphs()->size() : 0;
    summarize_main_graph(file, s);
    return s;
  } catch (const Error& e) {
    throw Error(e.kind(), path + ": " + e.what());
  }
}

std::string quant_string(const QuantParams& q) {
  if (q.empty()) return "";
  std::ostringstream out;
  if (q.axis < 0) {
    out << "scale " << q.scales[0] << " zero point " << q.zero_points[0];
    return out.str();
  }
  Range scales = range_of(q.scales), zero_points = range_of(q.zero_points);
  out << "per-channel axis " << q.axis << ": " << q.scales.size() << " scales in [" << scales.min << ", "
      << scales.max << "], zero points ";
  if (zero_points.min == zero_points.max)
    out << zero_points.min;
  else
    out << "in [" << zero_points.min << ", " << zero_points.max << "]";
  return out.str();
}

nlohmann::json to_json(const TfliteSummary& s) {
  nlohmann::json tensors = nlohmann::json::array();
  for (const TfliteTensorSummary& t : s.tensors) {
    nlohmann::json j = {{"index", t.index}, {"name", t.name},         {"dtype", t.dtype},
                        {"shape", t.shape}, {"constant", t.is_constant}, {"quantization", quant_json(t.quant)}};
    if (!t.shape_signature.empty()) j["shape_signature"] = t.shape_signature;
    tensors.push_back(std::move(j));
  }
  nlohmann::json operators = nlohmann::json::array();
  for (const TfliteOperatorSummary& op : s.operators)
    operators.push_back({{"index", op.index}, {"op", op.op}, {"version", op.version},
                         {"inputs", op.inputs}, {"outputs", op.outputs}});
  return {{"path", s.path},
          {"format", "tflite"},
          {"file_size", s.file_size},
          {"schema_version", s.schema_version},
          {"description", s.description},
          {"subgraph_count", s.subgraph_count},
          {"inputs", values_json(s, s.inputs)},
          {"outputs", values_json(s, s.outputs)},
          {"node_count", s.operators.size()},
          {"parameter_count", s.parameter_count},
          {"op_histogram", s.op_histogram},
          {"tensors", std::move(tensors)},
          {"operators", std::move(operators)}};
}

}  // namespace octet
