// Where each activation lives in the Engine's one arena. A tensor needs its
// bytes from the node that writes it (or the run's start, for a graph input)
// to the last node that reads it (or the run's end, for a graph output);
// tensors whose lifetimes do not meet share bytes. So the arena is a few
// times the largest activations rather than the sum of all of them, and a
// run keeps writing memory that is still in cache, as ONNX Runtime's and
// TFLite's arenas do.
//
// Placement is greedy by size (TFLite's arena planner does the same): the
// largest tensor first, each at the lowest aligned offset clear of every
// placed tensor whose lifetime meets its own.
#pragma once
#include <cstddef>
#include <vector>

#include "graph/graph.h"

namespace octet {

struct BufferPlan {
  static constexpr size_t kUnplaced = static_cast<size_t>(-1);
  std::vector<size_t> offset;  // per tensor id; kUnplaced for constants
  size_t arena_bytes = 0;
};

// Offsets are multiples of `alignment`; each tensor gets `slack` bytes more
// than its size (XNNPACK reads a little past the inputs it streams).
BufferPlan plan_buffers(const Graph& graph, size_t alignment, size_t slack);

}  // namespace octet
