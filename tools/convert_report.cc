#include "convert_report.h"

#include <algorithm>

#include "calib/quant_params.h"
#include "import/load_model.h"
#include "import/onnx_summary.h"
#include "import/tflite_summary.h"
#include "ops/op_def.h"

namespace octet::cli {
namespace {

struct FileFacts {
  uint64_t bytes = 0;
  std::map<std::string, int> ops;
};

FileFacts facts_of(const std::string& path) {
  if (detect_model_format(path) == ModelFormat::Onnx) {
    const OnnxSummary s = summarize_onnx(path);
    return {s.file_size, s.op_histogram};
  }
  const TfliteSummary s = summarize_tflite(path);
  return {s.file_size, s.op_histogram};
}

nlohmann::json activations_json(const ConvertRecord& r) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [id, planned] : r.quantized->plan.activations) {
    const Tensor& t = r.float_graph->tensor(id);
    nlohmann::json entry{{"name", t.name},
                         {"source", quant::param_source_name(planned.source)},
                         {"scale", planned.params.scales[0]},
                         {"zero_point", planned.params.zero_points[0]}};
    if (const calib::TensorRange* range = r.calibration->find(t.name)) {
      entry["method"] = range->method;
      entry["observed"] = {{"min", range->range.min}, {"max", range->range.max}, {"values", range->values},
                           {"nonfinite", range->nonfinite}};
    }
    if (planned.warnings) entry["warnings"] = calib::describe_warnings(planned.warnings);
    list.push_back(entry);
  }
  return list;
}

nlohmann::json weights_json(const ConvertRecord& r) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [index, planned] : r.quantized->plan.weights) {
    const Node& node = r.float_graph->nodes[index];
    const std::vector<float>& s = planned.scales;
    nlohmann::json entry{{"node", node.name},
                         {"tensor", r.float_graph->tensor(node.inputs[op_def(node.op).quant.weights]).name},
                         {"per_channel", s.size() > 1},
                         {"scales", s.size()},
                         {"scale_min", *std::min_element(s.begin(), s.end())},
                         {"scale_max", *std::max_element(s.begin(), s.end())}};
    if (planned.warnings) entry["warnings"] = calib::describe_warnings(planned.warnings);
    list.push_back(entry);
  }
  return list;
}

}  // namespace

std::vector<std::string> quantization_warnings(const Graph& float_graph, const quant::QuantPlan& plan) {
  std::vector<std::string> out;
  for (const auto& [id, planned] : plan.activations)
    if (planned.warnings)
      out.push_back("tensor '" + float_graph.tensor(id).name + "': " + calib::describe_warnings(planned.warnings));
  for (const auto& [index, planned] : plan.weights)
    if (planned.warnings)
      out.push_back("weights of '" + float_graph.nodes[index].name + "': " + calib::describe_warnings(planned.warnings));
  return out;
}

nlohmann::json convert_report(const ConvertRecord& r) {
  const FileFacts before = facts_of(r.model), after = facts_of(r.output);
  const calib::CalibrationResult& c = *r.calibration;
  return {
      {"model", {{"path", r.model}, {"bytes", before.bytes}, {"ops", before.ops}}},
      {"output", {{"path", r.output}, {"bytes", after.bytes}, {"ops", after.ops}}},
      {"settings",
       {{"io", quant::io_type_name(r.io)},
        {"method", r.method},
        {"per_tensor", r.options.per_tensor},
        {"per_channel_fc", r.options.all_per_channel}}},
      {"calibration",
       {{"path", r.calib_path}, {"listed", r.calib_listed}, {"used", c.used}, {"skipped", c.skipped}}},
      {"activations", activations_json(r)},
      {"weights", weights_json(r)},
      {"warnings", r.warnings},
      {"seconds",
       {{"import", r.seconds.import},
        {"passes", r.seconds.passes},
        {"calibration", r.seconds.calibration},
        {"quantize", r.seconds.quantize},
        {"write", r.seconds.write},
        {"total", r.seconds.total}}},
  };
}

}  // namespace octet::cli
