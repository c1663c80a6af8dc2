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

nlohmann::json activations_json(const quant::Conversion& c) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [id, planned] : c.quantized.plan.activations) {
    const Tensor& t = c.float_graph.tensor(id);
    nlohmann::json entry{{"name", t.name},
                         {"source", quant::param_source_name(planned.source)},
                         {"scale", planned.params.scales[0]},
                         {"zero_point", planned.params.zero_points[0]}};
    if (const calib::TensorRange* range = c.calibration.find(t.name)) {
      entry["method"] = range->method;
      entry["observed"] = {{"min", range->range.min}, {"max", range->range.max}, {"values", range->values},
                           {"nonfinite", range->nonfinite}};
    }
    if (planned.warnings) entry["warnings"] = calib::describe_warnings(planned.warnings);
    list.push_back(entry);
  }
  return list;
}

nlohmann::json weights_json(const quant::Conversion& c) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [index, planned] : c.quantized.plan.weights) {
    const Node& node = c.float_graph.nodes[index];
    const std::vector<float>& s = planned.scales;
    nlohmann::json entry{{"node", node.name},
                         {"tensor", c.float_graph.tensor(node.inputs[op_def(node.op).quant.weights]).name},
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
  const quant::Conversion& c = *r.conversion;
  const quant::ConvertSettings& s = *r.settings;
  return {
      {"model", {{"path", r.model}, {"bytes", before.bytes}, {"ops", before.ops}}},
      {"output", {{"path", r.output}, {"bytes", after.bytes}, {"ops", after.ops}}},
      {"settings",
       {{"io", quant::io_type_name(s.io)},
        {"method", s.calibration.method},
        {"method_overrides", s.calibration.overrides},
        {"per_tensor", s.quant.per_tensor},
        {"per_channel_fc", s.quant.all_per_channel},
        {"bias_correction", s.quant.bias_correction}}},
      {"calibration",
       {{"path", s.calib_path},
        {"listed", c.calib_listed},
        {"used", c.calibration.used},
        {"skipped", c.calibration.skipped},
        {"seed", s.subset.seed}}},
      {"activations", activations_json(c)},
      {"weights", weights_json(c)},
      {"warnings", r.warnings},
      {"seconds",
       {{"import", c.seconds.import},
        {"passes", c.seconds.passes},
        {"calibration", c.seconds.calibration},
        {"quantize", c.seconds.quantize},
        {"write", c.seconds.write},
        {"total", r.total_seconds}}},
  };
}

}  // namespace octet::cli
