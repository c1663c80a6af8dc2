#include "runtime/buffer_plan.h"

#include <algorithm>

namespace octet {
namespace {

struct Lifetime {
  int first = 0;  // step that writes it: -1 before the first node
  int last = -1;  // last step that needs it
};

// Steps are node indices; graph inputs are written at step -1 and graph
// outputs are needed until step nodes.size().
std::vector<Lifetime> lifetimes(const Graph& graph) {
  std::vector<Lifetime> life(graph.tensors.size());
  for (int t : graph.inputs) life[t] = {-1, -1};
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const int step = static_cast<int>(i);
    for (int t : graph.nodes[i].outputs) life[t] = {step, step};
    for (int t : graph.nodes[i].inputs)
      if (t != kNoTensor) life[t].last = std::max(life[t].last, step);
  }
  for (int t : graph.outputs) life[t].last = static_cast<int>(graph.nodes.size());
  return life;
}

size_t round_up(size_t n, size_t alignment) { return (n + alignment - 1) / alignment * alignment; }

}  // namespace

BufferPlan plan_buffers(const Graph& graph, size_t alignment, size_t slack) {
  const std::vector<Lifetime> life = lifetimes(graph);
  std::vector<size_t> bytes(graph.tensors.size(), 0);
  std::vector<int> order;
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    if (graph.tensors[t].is_constant()) continue;
    bytes[t] = round_up(graph.tensors[t].byte_size() + slack, alignment);
    order.push_back(static_cast<int>(t));
  }
  // Largest first; ties by id, so the plan depends on the graph alone.
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return bytes[a] > bytes[b]; });

  BufferPlan plan;
  plan.offset.assign(graph.tensors.size(), BufferPlan::kUnplaced);
  std::vector<int> placed;  // in ascending offset order
  for (int t : order) {
    // Walk the placed tensors that are alive at the same time, lowest offset
    // first, and take the first gap that holds this one.
    size_t offset = 0;
    for (int p : placed) {
      if (life[p].last < life[t].first || life[t].last < life[p].first) continue;
      if (plan.offset[p] >= offset + bytes[t]) break;
      offset = std::max(offset, plan.offset[p] + bytes[p]);
    }
    plan.offset[t] = offset;
    plan.arena_bytes = std::max(plan.arena_bytes, offset + bytes[t]);
    placed.insert(std::upper_bound(placed.begin(), placed.end(), t,
                                   [&](int a, int b) { return plan.offset[a] < plan.offset[b]; }),
                  t);
  }
  return plan;
}

}  // namespace octet
