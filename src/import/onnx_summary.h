// A description of an ONNX file as it is written (before import): what
// `octet inspect` shows. Works for models octet cannot import, too.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace octet {

struct OnnxValueSummary {
  std::string name;
  std::string dtype;
  std::vector<std::string> dims;  // numbers, or the symbolic name ("batch"), or "?"
};

struct OnnxSummary {
  std::string path;
  uint64_t file_size = 0;
  int64_t ir_version = 0;
  int opset = 0;
  std::string producer;
  std::vector<OnnxValueSummary> inputs, outputs;
  std::map<std::string, int> op_histogram;
  int node_count = 0;
  int64_t parameter_count = 0;  // elements of all initializers
};

OnnxSummary summarize_onnx(const std::string& path);
nlohmann::json to_json(const OnnxSummary& summary);

}  // namespace octet
