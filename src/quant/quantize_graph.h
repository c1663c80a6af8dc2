// The quantizer: a calibrated float graph (after the float passes) in, a
// fully-integer int8 graph out, laid out as the TFLite writer expects.
//   plan_quantization -> insert_quantize_dequantize -> integer I/O edges ->
//   cancel_quantize_pairs -> adopt_source_names
#pragma once
#include <string>

#include "calib/calibrate.h"
#include "graph/graph.h"
#include "quant/quant_plan.h"

namespace octet::quant {

// The type of the model's inputs and outputs.
//   int8:  the tensors themselves, with their calibrated parameters;
//   uint8: the same real values with zero point + 128, converted by a
//          QUANTIZE (requantize) at each edge, as the TFLite converter does;
//   float: float32, with QUANTIZE / DEQUANTIZE at the edges.
enum class IoType { Int8, UInt8, Float };
IoType parse_io_type(const std::string& name);  // Error(Usage) for anything else
const char* io_type_name(IoType io);

struct QuantizedModel {
  Graph graph;
  QuantPlan plan;  // in terms of the float graph's tensor ids
};

QuantizedModel quantize_graph(const Graph& float_graph, const calib::CalibrationResult& calibration,
                              const QuantOptions& options, IoType io);

}  // namespace octet::quant
