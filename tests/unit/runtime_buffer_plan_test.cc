// plan_buffers (src/runtime/buffer_plan.h): no two tensors that are alive at
// the same step share a byte (lifetimes worked out here from the graph, step
// by step), offsets are aligned, a chain reuses two buffers, and graph
// outputs keep their bytes to the end.
#include "runtime/buffer_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "test_graph.h"

namespace octet {
namespace {

constexpr size_t kAlignment = 64, kSlack = 16;

int input(Graph& g, const std::string& name, Shape shape) {
  Tensor x;
  x.name = name;
  x.dtype = DType::Float32;
  x.shape = std::move(shape);
  const int id = g.add_tensor(x);
  g.inputs.push_back(id);
  return id;
}

// Alive at step s (node index; -1 is the input copy, nodes.size() the end):
// written at or before s, and read or returned at or after it.
bool alive(const Graph& g, int t, int step) {
  int written = -2, needed = -2;
  for (int id : g.inputs)
    if (id == t) written = needed = -1;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    if (std::count(n.outputs.begin(), n.outputs.end(), t)) written = needed = static_cast<int>(i);
    if (std::count(n.inputs.begin(), n.inputs.end(), t)) needed = static_cast<int>(i);
  }
  if (std::count(g.outputs.begin(), g.outputs.end(), t)) needed = static_cast<int>(g.nodes.size());
  return written <= step && step <= needed && written > -2;
}

void expect_valid(const Graph& g, const BufferPlan& plan) {
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    if (g.tensors[t].is_constant()) {
      EXPECT_EQ(plan.offset[t], BufferPlan::kUnplaced);
      continue;
    }
    EXPECT_EQ(plan.offset[t] % kAlignment, 0u) << g.tensors[t].name;
    EXPECT_LE(plan.offset[t] + g.tensors[t].byte_size() + kSlack, plan.arena_bytes) << g.tensors[t].name;
  }
  for (int step = -1; step <= static_cast<int>(g.nodes.size()); ++step)
    for (size_t a = 0; a < g.tensors.size(); ++a)
      for (size_t b = a + 1; b < g.tensors.size(); ++b) {
        if (g.tensors[a].is_constant() || g.tensors[b].is_constant()) continue;
        if (!alive(g, static_cast<int>(a), step) || !alive(g, static_cast<int>(b), step)) continue;
        const size_t a_end = plan.offset[a] + g.tensors[a].byte_size() + kSlack;
        const size_t b_end = plan.offset[b] + g.tensors[b].byte_size() + kSlack;
        EXPECT_TRUE(a_end <= plan.offset[b] || b_end <= plan.offset[a])
            << g.tensors[a].name << " and " << g.tensors[b].name << " overlap at step " << step;
      }
}

TEST(BufferPlan, AChainReusesTwoBuffers) {
  Graph g;
  int t = input(g, "x", {1, 8, 8, 4});
  for (int i = 0; i < 10; ++i) t = testing::add(g, OpKind::Relu, "relu" + std::to_string(i), {t});
  g.outputs = {t};
  const BufferPlan plan = plan_buffers(g, kAlignment, kSlack);
  expect_valid(g, plan);
  const size_t one = (8 * 8 * 4 * sizeof(float) + kSlack + kAlignment - 1) / kAlignment * kAlignment;
  EXPECT_EQ(plan.arena_bytes, 2 * one);
}

TEST(BufferPlan, BranchesSkipsAndOutputsNeverShareLiveBytes) {
  Graph g;
  const int x = input(g, "x", {1, 6, 6, 3});
  const int y = input(g, "y", {1, 6, 6, 3});
  const int a = testing::add(g, OpKind::Relu, "a", {x});
  const int b = testing::add(g, OpKind::Sigmoid, "b", {a});
  const int c = testing::add(g, OpKind::Add, "c", {a, y});  // a lives across b
  const int d = testing::add(g, OpKind::Relu, "d", {b});
  const int e = testing::add(g, OpKind::Mul, "e", {c, d});
  const int f = testing::add(g, OpKind::Relu, "f", {e});
  const int h = testing::add(g, OpKind::Tanh, "h", {f});
  g.outputs = {b, h};  // b is returned, so it must survive every later node
  const BufferPlan plan = plan_buffers(g, kAlignment, kSlack);
  expect_valid(g, plan);
  EXPECT_LT(plan.arena_bytes, 9 * (6 * 6 * 3 * sizeof(float) + kSlack + kAlignment));  // some reuse
}

}  // namespace
}  // namespace octet
