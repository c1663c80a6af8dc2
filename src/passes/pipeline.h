// The float passes in the order the int8 pipeline runs them.
#pragma once
#include <vector>

#include "graph/graph.h"

namespace octet {

struct PassInfo {
  const char* name;
  const char* summary;
  Graph (*run)(Graph graph);
};

// In order: identities and constants first (they hide patterns), then the
// layout (BatchNorm and Pad sit behind the ONNX transposes until it runs),
// then the folds into convolutions, then activation fusion (a BatchNorm or
// Pad between a convolution and its Relu blocks it until folded).
const std::vector<PassInfo>& float_passes();

// Runs float_passes() until a round leaves the graph unchanged.
Graph run_float_passes(Graph graph);

}  // namespace octet
