#include "passes/pipeline.h"

#include "graph/error.h"
#include "passes/passes.h"

namespace octet {

const std::vector<PassInfo>& float_passes() {
  static const std::vector<PassInfo> passes{
      {"remove_identity", "drop Identity (and inference Dropout) nodes", remove_identity},
      {"fold_constants", "evaluate nodes whose inputs are all constant", fold_constants},
      {"nchw_to_nhwc", "cancel the ONNX importer's NCHW<->NHWC transposes", nchw_to_nhwc},
      {"fold_batch_norm", "fold BatchNorm into the layer before it, else into Mul + Add", fold_batch_norm},
      {"fold_add_into_bias", "fold a per-channel constant Add into the layer's bias", fold_add_into_bias},
      {"fold_pad_into_conv", "fold zero spatial Pad into the convolution's padding", fold_pad_into_conv},
      {"fuse_activation", "fuse Relu / Relu6 / ReluN1To1 into the op before it", fuse_activation},
  };
  return passes;
}

Graph run_float_passes(Graph graph) {
  // A second round only matters when a late pass exposes an early pattern
  // (none does on the shared models); the cap guards against two passes
  // undoing each other's work.
  constexpr int kMaxRounds = 8;
  for (int round = 0; round < kMaxRounds; ++round) {
    const std::string before = dump(graph);
    for (const PassInfo& pass : float_passes()) graph = pass.run(std::move(graph));
    if (dump(graph) == before) return graph;
  }
  fail(ErrorKind::Internal, "the float passes did not settle in " + std::to_string(kMaxRounds) + " rounds");
}

}  // namespace octet
