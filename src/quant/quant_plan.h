// The int8 parameters of a float graph, decided before the graph changes:
// per-tensor asymmetric parameters for every float activation (from its
// calibrated range, or as the op's QuantTraits dictate), and the symmetric
// weight scales of every weighted node. The Q/DQ insertion pass
// (passes/quantize_passes.h) then applies the plan mechanically.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "calib/calibrate.h"
#include "graph/graph.h"

namespace octet::quant {

struct QuantOptions {
  bool per_tensor = false;  // every weight per tensor (--per-tensor)
  // Per-channel weights also where the op's default is per tensor
  // (FULLY_CONNECTED: off by default, as many runtimes reject it there).
  bool all_per_channel = false;
  // Biases corrected for the weights' rounding (bias_correction.h), where
  // calibration measured the layer's input channel means.
  bool bias_correction = true;
};

// Where a tensor's parameters came from.
enum class ParamSource { Calibrated, SameAsInput, SameAsConsumer, Fixed, Constant };
const char* param_source_name(ParamSource source);

struct ActivationPlan {
  QuantParams params;  // per tensor
  ParamSource source = ParamSource::Calibrated;
  uint32_t warnings = 0;  // calib::QuantWarning bits
};

struct WeightPlan {
  std::vector<float> scales;  // one, or one per output channel
  std::vector<float> bias;    // the float bias to quantize when corrected, else empty
  uint32_t warnings = 0;
};

struct QuantPlan {
  std::map<int, ActivationPlan> activations;  // float tensor id -> parameters
  std::map<int, WeightPlan> weights;          // node index -> its weights' scales

  // The parameters node `n` reads input `slot` with: the tensor's own, or
  // the node's output's for ops whose inputs share it (concatenation).
  const QuantParams& input_params(const Graph& graph, const Node& node, size_t slot) const;
  const QuantParams& params(int tensor) const;
};

// Plans `graph` (after the float passes) from calibration ranges, which must
// cover every tensor calib::calibrated_tensors() lists. Throws
// Error(Unsupported) listing every node that has no int8 TFLite kernel.
QuantPlan plan_quantization(const Graph& graph, const calib::CalibrationResult& calibration,
                            const QuantOptions& options);

}  // namespace octet::quant
