// The --report JSON of `octet convert`: sizes, op counts before and after,
// every activation's observed range and chosen parameters, every weight's
// scales, warnings and timings.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "quant/convert.h"

namespace octet::cli {

struct ConvertRecord {
  std::string model, output;
  const quant::ConvertSettings* settings = nullptr;
  const quant::Conversion* conversion = nullptr;
  std::vector<std::string> warnings;
  double total_seconds = 0;
};

// Warnings worth a log line: fallbacks taken for activations and weights.
std::vector<std::string> quantization_warnings(const Graph& float_graph, const quant::QuantPlan& plan);

// Reads MODEL and OUTPUT back for sizes and op counts.
nlohmann::json convert_report(const ConvertRecord& record);

}  // namespace octet::cli
