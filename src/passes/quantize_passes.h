// The passes that make a planned float graph int8 (the last stage of the
// pipeline, after calibration). Like the float passes, each is a small
// Graph -> Graph function with its own tests.
#pragma once
#include "graph/graph.h"
#include "passes/rewrite.h"
#include "quant/quant_plan.h"

namespace octet {

// Suffix of the int8 tensors the insertion adds next to the float tensors
// they replace ("conv1" -> "conv1_int8"); adopt_source_names() drops it once
// the float tensor is gone.
inline constexpr const char* kInt8Suffix = "_int8";

// Makes every node the plan covers int8 in place: each float activation it
// reads goes through a Quantize node (to the parameters the node needs),
// weights become symmetric int8 constants, biases int32, other float
// constants int8; each float output becomes an int8 tensor that a Dequantize
// turns back into the original float tensor. Every other node still sees
// float, so the graph computes what it did, up to quantization.
Graph insert_quantize_dequantize(Graph graph, const quant::QuantPlan& plan);

// Cancels Dequantize -> Quantize chains: to nothing when the Quantize
// restores the Dequantize's input parameters and type exactly, else to one
// Quantize that requantizes the integer tensor directly; and merges
// identical Quantize nodes of one tensor. Dequantize nodes left without
// readers disappear.
Graph cancel_quantize_pairs(Graph graph);
const std::vector<Pattern>& cancel_quantize_pairs_patterns();

// Renames every "<name>_int8" tensor to "<name>" when no tensor is called
// that any more, so the int8 file keeps the source graph's tensor names.
void adopt_source_names(Graph& graph);

}  // namespace octet
