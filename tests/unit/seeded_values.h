// Deterministic pseudo-random test inputs, the same on every machine.
#pragma once
#include <cstdint>
#include <vector>

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

}  // namespace octet::testing
