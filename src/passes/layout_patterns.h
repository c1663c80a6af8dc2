// The rewrite patterns of the nchw_to_nhwc pass, in the files named below.
// Together they move the ONNX importer's NCHW<->NHWC transposes down the graph
// until they meet and cancel.
#pragma once
#include <optional>
#include <vector>

#include "passes/rewrite.h"

namespace octet {

// Suffix of the NHWC tensors sink_transpose adds next to the NCHW ones.
inline constexpr const char* kUntransposedSuffix = "/untransposed";

// The perm of the Transpose that produces `tensor`; nullopt when a node of
// another op (or none) produces it.
std::optional<std::vector<int64_t>> transposed_by(Rewriter& rw, int tensor);
// A Transpose node's perm ("perm", or the reversed dimensions when absent).
std::vector<int64_t> perm_of(Rewriter& rw, const Node& transpose);

// transpose_patterns.cc
MatchResult compose_transposes(Rewriter& rw, int n);       // Transpose(Transpose(x)) -> Transpose(x)
MatchResult drop_identity_transpose(Rewriter& rw, int n);  // Transpose(x, identity) -> x
MatchResult input_to_nhwc(Rewriter& rw, int n);            // NCHW input read only as NHWC -> NHWC input
MatchResult transpose_as_reshape(Rewriter& rw, int n);     // Transpose moving only size-1 dims -> Reshape

// sink_transpose.cc: op(Transpose(x)) -> Transpose(op'(x)), through OpDef::permute.
MatchResult sink_transpose(Rewriter& rw, int n);

// flatten_into_fully_connected.cc:
// FullyConnected(Reshape(Transpose(x)), W) -> FullyConnected(Reshape(x), W with permuted columns).
MatchResult flatten_into_fully_connected(Rewriter& rw, int n);

// reshape_patterns.cc
MatchResult merge_reshapes(Rewriter& rw, int n);         // Reshape(Reshape(x)) -> Reshape(x)
MatchResult drop_identity_reshape(Rewriter& rw, int n);  // Reshape(x) to x's own shape -> x

}  // namespace octet
