// `octet inspect MODEL [--json]`: what a model file holds, as written: inputs,
// outputs, ops, parameters, and for TFLite every tensor's dtype and
// quantization. Also says whether octet can import the model, and if not, why.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <string>

#include "command.h"
#include "graph/error.h"
#include "import/load_model.h"
#include "import/onnx_summary.h"
#include "import/tflite_summary.h"

namespace octet::cli {
namespace {

struct InspectOptions {
  std::string model;
  bool json = false;
};

std::string shape_text(const nlohmann::json& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += shape[i].is_string() ? shape[i].get<std::string>() : std::to_string(shape[i].get<int64_t>());
  }
  return s + "]";
}

std::string quant_text(const nlohmann::json& q) {
  if (q.is_null()) return "";
  if (q.contains("axis"))
    return fmt::format("per-axis {} ({} scales {:.6g}..{:.6g})", q["axis"].get<int>(), q["count"].get<int>(),
                       q["scale_min"].get<double>(), q["scale_max"].get<double>());
  return fmt::format("scale {:.6g} zp {}", q["scale"].get<double>(), q["zero_point"].get<int64_t>());
}

// TFLite inputs and outputs also carry their quantization (null for float).
void print_values(const char* title, const nlohmann::json& values) {
  for (const auto& v : values) {
    const std::string quant = quant_text(v.value("quantization", nlohmann::json()));
    std::printf("%-8s %s  %s %s%s%s\n", title, v["name"].get<std::string>().c_str(),
                v["dtype"].get<std::string>().c_str(), shape_text(v["shape"]).c_str(), quant.empty() ? "" : "  ",
                quant.c_str());
  }
}

void print_text(const nlohmann::json& j) {
  std::printf("%s (%s, %llu bytes)\n", j["path"].get<std::string>().c_str(),
              j["format"].get<std::string>().c_str(), j["file_size"].get<unsigned long long>());
  if (j.contains("opset")) std::printf("opset    %d  (%s)\n", j["opset"].get<int>(), j["producer"].get<std::string>().c_str());
  print_values("input", j["inputs"]);
  print_values("output", j["outputs"]);
  std::printf("params   %lld\n", j["parameter_count"].get<long long>());
  std::printf("ops      %d:", j["node_count"].get<int>());
  for (const auto& [op, count] : j["op_histogram"].items()) std::printf(" %s=%d", op.c_str(), count.get<int>());
  std::printf("\n");
  if (j.contains("tensors")) {
    std::printf("tensors  %zu:\n", j["tensors"].size());
    for (const auto& t : j["tensors"])
      std::printf("  %-4d %-8s %-16s %s%s  %s\n", t["index"].get<int>(), t["dtype"].get<std::string>().c_str(),
                  shape_text(t["shape"]).c_str(), t["constant"].get<bool>() ? "const " : "",
                  t["name"].get<std::string>().c_str(), quant_text(t["quantization"]).c_str());
  }
  if (j["importable"].get<bool>()) std::printf("import   ok\n");
  else std::printf("import   not supported: %s\n", j["import_error"].get<std::string>().c_str());
}

int run_inspect(const InspectOptions& options) {
  nlohmann::json j = detect_model_format(options.model) == ModelFormat::Tflite
                         ? to_json(summarize_tflite(options.model))
                         : to_json(summarize_onnx(options.model));
  try {
    load_model(options.model, {});
    j["importable"] = true;
  } catch (const Error& e) {
    j["importable"] = false;
    j["import_error"] = e.what();
  }
  if (options.json) std::printf("%s\n", j.dump(2).c_str());
  else print_text(j);
  return 0;
}

}  // namespace

Command make_inspect_command(CLI::App& parent) {
  auto options = std::make_shared<InspectOptions>();
  CLI::App* app = parent.add_subcommand("inspect", "Describe a model: inputs, outputs, ops, parameters, quantization");
  app->add_option("MODEL", options->model, "ONNX or TFLite model file")->required();
  app->add_flag("--json", options->json, "Print one JSON object instead of text");
  return {app, [options] { return run_inspect(*options); }};
}

}  // namespace octet::cli
