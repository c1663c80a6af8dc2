// Pass nchw_to_nhwc: runs an ONNX CNN in NHWC. The ONNX importer wraps every
// NHWC op (convolution, pooling, resize) in transposes from and back to NCHW;
// this pass pushes each transpose down through layout-agnostic ops until it
// meets its inverse and both vanish, absorbs the first ones into the graph
// input, and folds the last one of a classifier into its fully-connected
// weights. Then transposes that only move size-1 dimensions become reshapes,
// and the NHWC tensors take the names of the NCHW ones they replace.
#include "passes/layout_patterns.h"
#include "passes/passes.h"

namespace octet {

const std::vector<Pattern>& nchw_to_nhwc_patterns() {
  static const std::vector<Pattern> patterns{
      {"compose_transposes", OpKind::Transpose, compose_transposes},
      {"drop_identity_transpose", OpKind::Transpose, drop_identity_transpose},
      {"input_to_nhwc", OpKind::Transpose, input_to_nhwc},
      {"flatten_into_fully_connected", OpKind::FullyConnected, flatten_into_fully_connected},
      {"sink_transpose", std::nullopt, sink_transpose},
  };
  return patterns;
}

// Only once no transpose can move: as reshapes they would stop cancelling.
static const std::vector<Pattern>& unit_dims_patterns() {
  static const std::vector<Pattern> patterns{
      {"transpose_as_reshape", OpKind::Transpose, transpose_as_reshape},
      {"merge_reshapes", OpKind::Reshape, merge_reshapes},
      {"drop_identity_reshape", OpKind::Reshape, drop_identity_reshape},
  };
  return patterns;
}

Graph nchw_to_nhwc(Graph graph) {
  apply_patterns(graph, nchw_to_nhwc_patterns());
  apply_patterns(graph, unit_dims_patterns());
  restore_base_names(graph, kUntransposedSuffix);
  return graph;
}

}  // namespace octet
