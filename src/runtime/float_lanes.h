// Eight (and sixteen) floats as one value, for hot loops: the observers and
// the float depthwise and 1x1 kernels. GCC and Clang compile arithmetic,
// comparisons and ?: on these to SIMD instructions (two SSE registers, or one
// AVX register in a target_clones("avx2") clone) even at -O2, where the plain
// loops of the same code stay scalar. The operations are exact per lane, so
// every clone gives the same bits, except where a clone with FMA contracts
// a * b + c.
#pragma once
#include <cstdint>
#include <cstring>

namespace octet {

typedef float Floats8 __attribute__((vector_size(32)));
typedef int32_t Ints8 __attribute__((vector_size(32)));  // what comparing two Floats8 gives

// One AVX-512 register, in code built for AVX-512.
typedef float Floats16 __attribute__((vector_size(64)));

// Unaligned loads and stores, for code written once for either width.
template <class V>
constexpr int64_t kLanesOf = sizeof(V) / sizeof(float);
template <class V>
__attribute__((always_inline)) inline V load_lanes(const float* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <class V>
__attribute__((always_inline)) inline void store_lanes(float* p, V v) {
  std::memcpy(p, &v, sizeof v);
}
inline Floats8 load8(const float* p) { return load_lanes<Floats8>(p); }
inline void store8(float* p, Floats8 v) { store_lanes(p, v); }

}  // namespace octet
