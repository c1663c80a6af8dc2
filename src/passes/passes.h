// The graph passes of the float pipeline. Each takes a verified graph and
// returns an equivalent one (same outputs for the same inputs, up to float
// rounding; nchw_to_nhwc may also transpose a graph input, as it says); each
// lives in its own file as a list of rewrite patterns (rewrite.h) and a thin
// driver. pipeline.h runs them in order.
#pragma once
#include <vector>

#include "graph/graph.h"
#include "passes/rewrite.h"

namespace octet {

// Evaluates every node whose inputs are all constant into a constant.
Graph fold_constants(Graph graph);
const std::vector<Pattern>& fold_constants_patterns();

// Drops Identity nodes (ONNX Identity, and Dropout, which imports as Identity).
Graph remove_identity(Graph graph);
const std::vector<Pattern>& remove_identity_patterns();

// Cancels the transposes the ONNX importer puts around NHWC ops, so that an
// ONNX CNN runs in NHWC with no Transpose left; a 4-D graph input read only
// through NCHW->NHWC transposes becomes NHWC itself.
Graph nchw_to_nhwc(Graph graph);
const std::vector<Pattern>& nchw_to_nhwc_patterns();

// Folds BatchNorm into the Conv2D / ConvTranspose2D / FullyConnected before
// it, or else turns it into a per-channel Mul and Add.
Graph fold_batch_norm(Graph graph);
const std::vector<Pattern>& fold_batch_norm_patterns();

// Folds an Add of a per-channel or scalar constant into the bias of the
// Conv2D / FullyConnected before it.
Graph fold_add_into_bias(Graph graph);
const std::vector<Pattern>& fold_add_into_bias_patterns();

// Folds a zero constant Pad of the spatial dimensions into the padding of the
// Conv2D that reads it.
Graph fold_pad_into_conv(Graph graph);
const std::vector<Pattern>& fold_pad_into_conv_patterns();

// Moves Relu / Relu6 / ReluN1To1 clamps into the fused activation of the node
// producing their input, where TFLite has one.
Graph fuse_activation(Graph graph);
const std::vector<Pattern>& fuse_activation_patterns();

}  // namespace octet
