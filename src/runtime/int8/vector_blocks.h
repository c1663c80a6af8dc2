// Element-wise loops written so the compiler vectorizes them in a portable
// build. At -O2 GCC's cost model ("very cheap") vectorizes a loop only when
// its trip count is a known multiple of the vector width and no run-time
// alias check is needed; a constant-length inner loop over restrict-qualified
// blocks meets both, and the tail runs one element at a time.
#pragma once
#include <cstdint>

namespace octet::int8 {

constexpr int64_t kVectorBlock = 16;

template <typename In, typename Out, typename F>
inline void transform_block(const In* __restrict in, Out* __restrict out, F f) {
  for (int64_t j = 0; j < kVectorBlock; ++j) out[j] = f(in[j]);
}

template <typename In, typename Out, typename F>
inline void combine_block(const In* __restrict in, Out* __restrict out, F f) {
  for (int64_t j = 0; j < kVectorBlock; ++j) out[j] = f(out[j], in[j]);
}

template <typename T, typename F>
inline void update_block(T* __restrict x, F f) {
  for (int64_t j = 0; j < kVectorBlock; ++j) x[j] = f(x[j]);
}

// out[i] = f(in[i]) for i < n; `in` and `out` must not overlap.
template <typename In, typename Out, typename F>
inline void transform_blocked(const In* in, int64_t n, Out* out, F f) {
  int64_t i = 0;
  for (; i + kVectorBlock <= n; i += kVectorBlock) transform_block(in + i, out + i, f);
  for (; i < n; ++i) out[i] = f(in[i]);
}

// out[i] = f(out[i], in[i]) for i < n; `in` and `out` must not overlap.
template <typename In, typename Out, typename F>
inline void combine_blocked(const In* in, int64_t n, Out* out, F f) {
  int64_t i = 0;
  for (; i + kVectorBlock <= n; i += kVectorBlock) combine_block(in + i, out + i, f);
  for (; i < n; ++i) out[i] = f(out[i], in[i]);
}

// x[i] = f(x[i]) for i < n.
template <typename T, typename F>
inline void update_blocked(T* x, int64_t n, F f) {
  int64_t i = 0;
  for (; i + kVectorBlock <= n; i += kVectorBlock) update_block(x + i, f);
  for (; i < n; ++i) x[i] = f(x[i]);
}

}  // namespace octet::int8
