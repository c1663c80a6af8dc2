// The --report JSON of `octet convert`: sizes, op counts before and after,
// every activation's observed range and chosen parameters, every weight's
// scales, warnings and timings.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "calib/calibrate.h"
#include "quant/quantize_graph.h"

namespace octet::cli {

struct ConvertTimings {
  double import = 0, passes = 0, calibration = 0, quantize = 0, write = 0, total = 0;  // seconds
};

struct ConvertRecord {
  std::string model, output, calib_path, method;
  quant::IoType io = quant::IoType::Int8;
  quant::QuantOptions options;
  const Graph* float_graph = nullptr;  // after the float passes: the plan's tensor ids
  const calib::CalibrationResult* calibration = nullptr;
  const quant::QuantizedModel* quantized = nullptr;
  size_t calib_listed = 0;
  std::vector<std::string> warnings;
  ConvertTimings seconds;
};

// Warnings worth a log line: fallbacks taken for activations and weights.
std::vector<std::string> quantization_warnings(const Graph& float_graph, const quant::QuantPlan& plan);

// Reads MODEL and OUTPUT back for sizes and op counts.
nlohmann::json convert_report(const ConvertRecord& record);

}  // namespace octet::cli
