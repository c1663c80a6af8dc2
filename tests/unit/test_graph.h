// Small helpers for tests that build graphs by hand: deterministic
// pseudo-random values (the same on every machine), node and attribute builders.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "graph/graph.h"

namespace octet::testing {

// Values in [-1, 1) from a 32-bit LCG.
inline std::vector<float> seeded_values(int64_t count, uint32_t seed) {
  std::vector<float> v(count);
  uint32_t state = seed * 2654435761u + 1;
  for (float& x : v) {
    state = state * 1664525u + 1013904223u;
    x = static_cast<float>(state >> 8) / static_cast<float>(1u << 23) - 1.0f;
  }
  return v;
}

// Adds a single-output node; returns its output tensor.
inline int add(Graph& g, OpKind op, const std::string& name, std::vector<int> inputs, Attributes attrs = {}) {
  return g.nodes[g.add_node(op, name, std::move(inputs), std::move(attrs))].outputs[0];
}

inline Attributes attrs_of(std::initializer_list<std::pair<const char*, AttrValue>> values) {
  Attributes a;
  for (const auto& [name, value] : values) a.set(name, value);
  return a;
}

}  // namespace octet::testing
