// A flatbuffer-level description of any TFLite file, float or quantized, for
// `octet inspect`. It reads the file as stored and needs no op support from the
// importer. The CLI formats it; to_json gives the machine-readable form.
#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "graph/tensor.h"

namespace octet {

struct TfliteTensorSummary {
  int index = 0;
  std::string name;
  std::string dtype;                  // "float32", "int8", ... (any TFLite type)
  std::vector<int64_t> shape;
  std::vector<int64_t> shape_signature;  // empty when the file has none; -1 = dynamic
  bool is_constant = false;
  QuantParams quant;                  // empty when not quantized
};

struct TfliteOperatorSummary {
  int index = 0;
  std::string op;  // "CONV_2D", or "CUSTOM(name)"
  int version = 1;
  std::vector<int> inputs;   // tensor indices; -1 = omitted optional input
  std::vector<int> outputs;
};

struct TfliteSummary {
  std::string path;
  uint64_t file_size = 0;
  uint32_t schema_version = 0;
  std::string description;  // the converter's note, e.g. "TOCO Converted."
  size_t subgraph_count = 0;
  // Subgraph 0, the main graph:
  std::vector<TfliteTensorSummary> tensors;
  std::vector<int> inputs;  // tensor indices
  std::vector<int> outputs;
  std::vector<TfliteOperatorSummary> operators;
  std::map<std::string, int> op_histogram;  // op name -> count
  int64_t parameter_count = 0;              // elements in constant tensors
};

// Error(BadFile) naming the path when the file is not a valid TFLite model.
TfliteSummary summarize_tflite(const std::string& path);

// One line for a tensor's quantization: "scale 0.0039 zero point -128", or for
// many channels "per-channel axis 0: 16 scales in [0.0012, 0.031], zero points 0".
std::string quant_string(const QuantParams& quant);

// In JSON, per-channel quantization always gives count and min/max of scales
// and zero points; the full lists only when they are at most this long.
constexpr size_t kQuantListLimit = 8;
nlohmann::json to_json(const TfliteSummary& summary);

}  // namespace octet
