// Graph IR to a TFLite flatbuffer: float graphs, and the quantized graphs the
// quantizer produces (int8 activations with per-tensor scales, int8 weights
// with per-channel scales, int32 biases). Each op's mapping lives with the op
// (OpDef::write_tflite); this is the driver.
#pragma once
#include <string>

#include "graph/graph.h"

namespace octet {

// The bytes of a .tflite file (schema version 3, one subgraph "main",
// `description` in Model.description). Deterministic: the same graph gives
// the same bytes. The result passes the flatbuffer verifier. Error(Unsupported)
// names the first node with no exact TFLite form. Callers write the bytes with
// write_file_atomically (io/output_file.h).
Bytes write_tflite(const Graph& graph, const std::string& description);

}  // namespace octet
