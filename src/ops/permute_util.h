// Building blocks for OpDef::permute, the hook through which the layout pass
// (passes/nchw_to_nhwc.cc) moves a transpose from an op's inputs to its
// outputs. Axes are remapped, never data: an axis a of the transposed input
// y = Transpose(x, perm) is axis perm[a] of x.
#pragma once
#include <optional>
#include <vector>

#include "ops/op_def.h"

namespace octet {

// Elementwise ops of one input: the output keeps the input's layout.
std::optional<Permuted> permute_elementwise(const Graph& graph, Node& node, const std::vector<int64_t>& perm);
// Elementwise ops whose inputs broadcast together: every input carries the layout.
std::optional<Permuted> permute_broadcast(const Graph& graph, Node& node, const std::vector<int64_t>& perm);

// Rewrites the node's axis attribute `name` (`fallback` when absent; negative
// counts from the end) for the untransposed input. False when it is out of range.
bool permute_axis(Node& node, const std::vector<int64_t>& perm, int64_t fallback, const char* name = "axis");
// A list with one value per dimension of the transposed input, reordered for
// the untransposed one: result[perm[d]] = values[d].
std::vector<int64_t> permute_per_dim(const std::vector<int64_t>& values, const std::vector<int64_t>& perm);

}  // namespace octet
