// Helpers for kernels that only move elements (concat, split, slice, transpose,
// pad, gather, ...). They work on raw bytes so that one kernel serves every
// dtype: the importer folds exporters' int64 shape chains through them.
#pragma once
#include <cstdint>
#include <cstring>

#include "graph/error.h"
#include "graph/tensor.h"
#include "runtime/kernel.h"

namespace octet {

// Product of shape[begin, end): the "outer" or "inner" extent around an axis.
inline int64_t dims_product(const Shape& shape, size_t begin, size_t end) {
  int64_t n = 1;
  for (size_t i = begin; i < end && i < shape.size(); ++i) n *= shape[i];
  return n;
}

inline size_t element_bytes(const TensorView& v) { return dtype_size(v.dtype); }

// Calls f(T{}) with an unsigned integer type as wide as one element, so that
// element-wise copies compile to plain loads and stores of the right width.
template <typename F>
void with_element_type(size_t bytes, F&& f) {
  switch (bytes) {
    case 1: f(uint8_t{}); return;
    case 2: f(uint16_t{}); return;
    case 4: f(uint32_t{}); return;
    case 8: f(uint64_t{}); return;
  }
  fail(ErrorKind::Internal, "no element type of " + std::to_string(bytes) + " bytes");
}

// Advances a row-major multi-index over `dims` (ignoring the last `skip_inner`
// dimensions); returns false after the last index.
inline bool next_index(std::vector<int64_t>& index, const Shape& dims, size_t skip_inner = 0) {
  for (size_t d = dims.size() - skip_inner; d-- > 0;) {
    if (++index[d] < dims[d]) return true;
    index[d] = 0;
  }
  return false;
}

}  // namespace octet
