// Helpers for the pass tests: building small graphs by hand, and running a
// graph before and after a pass on the same seeded inputs.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "test_graph.h"
#include "runtime/engine.h"

namespace octet::pass_test {

using octet::testing::seeded_values;

inline int add_input(Graph& g, const std::string& name, Shape shape) {
  Tensor t;
  t.name = name;
  t.shape = std::move(shape);
  const int id = g.add_tensor(std::move(t));
  g.inputs.push_back(id);
  return id;
}

inline int add_constant(Graph& g, const std::string& name, Shape shape, std::vector<float> values = {}) {
  if (values.empty()) values = seeded_values(element_count(shape), static_cast<uint32_t>(g.tensors.size()));
  return g.add_tensor(make_constant<float>(name, std::move(shape), values));
}

using octet::testing::add;
using octet::testing::attrs_of;

inline int transpose(Graph& g, const std::string& name, int x, std::vector<int64_t> perm) {
  return add(g, OpKind::Transpose, name, {x}, attrs_of({{"perm", std::move(perm)}}));
}

inline int count_op(const Graph& g, OpKind op) {
  return static_cast<int>(std::count_if(g.nodes.begin(), g.nodes.end(), [op](const Node& n) { return n.op == op; }));
}

inline std::map<std::string, int> op_histogram(const Graph& g) {
  std::map<std::string, int> h;
  for (const Node& n : g.nodes) ++h[op_name(n.op)];
  return h;
}

inline std::string histogram_string(const Graph& g) {
  std::string s;
  for (const auto& [op, count] : op_histogram(g)) s += (s.empty() ? "" : " ") + op + "=" + std::to_string(count);
  return s;
}

// [N,C,H,W] data as [N,H,W,C].
inline std::vector<float> nchw_to_nhwc(const std::vector<float>& v, const Shape& nchw) {
  const int64_t n = nchw[0], c = nchw[1], h = nchw[2], w = nchw[3];
  std::vector<float> out(v.size());
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x) out[((b * h + y) * w + x) * c + ch] = v[((b * c + ch) * h + y) * w + x];
  return out;
}

// The outputs of `graph` on `inputs` (copied out of the engine's buffers).
inline std::vector<std::vector<float>> run(const Graph& graph, const std::vector<std::vector<float>>& inputs) {
  Engine engine(graph);
  std::vector<const void*> pointers;
  for (const auto& v : inputs) pointers.push_back(v.data());
  std::vector<std::vector<float>> outputs;
  for (const TensorView& out : engine.run(pointers))
    outputs.emplace_back(out.as<float>(), out.as<float>() + out.element_count());
  return outputs;
}

// Seeded inputs for `before`; an input that `after` turned from NCHW into
// NHWC gets the same values transposed.
inline void expect_same_outputs(const Graph& before, const Graph& after, float tolerance = 1e-5f) {
  ASSERT_EQ(before.inputs.size(), after.inputs.size());
  ASSERT_EQ(before.outputs.size(), after.outputs.size());
  std::vector<std::vector<float>> in_before, in_after;
  for (size_t i = 0; i < before.inputs.size(); ++i) {
    const Shape& shape = before.tensor(before.inputs[i]).shape;
    in_before.push_back(seeded_values(element_count(shape), 1000 + static_cast<uint32_t>(i)));
    const Shape& new_shape = after.tensor(after.inputs[i]).shape;
    if (new_shape == shape) {
      in_after.push_back(in_before.back());
    } else {
      ASSERT_EQ(shape.size(), 4u) << "input " << i << " changed shape";
      ASSERT_EQ(new_shape, (Shape{shape[0], shape[2], shape[3], shape[1]})) << "input " << i;
      in_after.push_back(nchw_to_nhwc(in_before.back(), shape));
    }
  }
  const auto want = run(before, in_before), got = run(after, in_after);
  for (size_t o = 0; o < want.size(); ++o) {
    ASSERT_EQ(before.tensor(before.outputs[o]).shape, after.tensor(after.outputs[o]).shape) << "output " << o;
    ASSERT_EQ(want[o].size(), got[o].size());
    for (size_t i = 0; i < want[o].size(); ++i)
      ASSERT_NEAR(want[o][i], got[o][i], tolerance) << "output " << o << " element " << i;
  }
}

}  // namespace octet::pass_test
