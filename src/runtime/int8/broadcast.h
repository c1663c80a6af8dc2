// Numpy-style broadcasting of two operands of rank <= 4 for the elementwise
// int8 kernels (ADD, SUB, MUL), the index walk of TFLite's
// BroadcastAdd4DSlow / BroadcastMul4DSlow. Shapes are right-aligned and
// extended to 4-D; a dimension of extent 1 facing a larger one gets stride 0.
// Elementwise results do not depend on the walk order, only on which input
// elements meet, so equal shapes and broadcast shapes share this one walk.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "graph/error.h"

namespace octet::int8 {

struct Broadcast4D {
  std::array<int64_t, 4> output_dims{1, 1, 1, 1};
  std::array<int64_t, 4> stride1{0, 0, 0, 0};  // element strides into input 1
  std::array<int64_t, 4> stride2{0, 0, 0, 0};  // element strides into input 2
  int64_t output_size() const { return output_dims[0] * output_dims[1] * output_dims[2] * output_dims[3]; }
};

inline std::array<int64_t, 4> extend_to_4d(const std::vector<int64_t>& shape) {
  if (shape.size() > 4) fail(ErrorKind::Unsupported, "int8 broadcast supports rank <= 4 only");
  std::array<int64_t, 4> dims{1, 1, 1, 1};
  std::copy(shape.begin(), shape.end(), dims.end() - shape.size());
  return dims;
}

// Row-major strides of `dims`, zeroed where the dimension is broadcast.
inline std::array<int64_t, 4> broadcast_strides(const std::array<int64_t, 4>& dims,
                                                const std::array<int64_t, 4>& output_dims) {
  std::array<int64_t, 4> strides{};
  int64_t stride = 1;
  for (int i = 3; i >= 0; --i) {
    strides[i] = (dims[i] == 1 && output_dims[i] != 1) ? 0 : stride;
    stride *= dims[i];
  }
  return strides;
}

// Error(BadShape) when the shapes do not broadcast.
inline Broadcast4D prepare_broadcast_4d(const std::vector<int64_t>& shape1, const std::vector<int64_t>& shape2) {
  const std::array<int64_t, 4> d1 = extend_to_4d(shape1), d2 = extend_to_4d(shape2);
  Broadcast4D b;
  for (int i = 0; i < 4; ++i) {
    if (d1[i] != d2[i] && d1[i] != 1 && d2[i] != 1) {
      fail(ErrorKind::BadShape, "shapes do not broadcast: extent " + std::to_string(d1[i]) + " vs " +
                                    std::to_string(d2[i]));
    }
    b.output_dims[i] = d1[i] == 1 ? d2[i] : d1[i];
  }
  b.stride1 = broadcast_strides(d1, b.output_dims);
  b.stride2 = broadcast_strides(d2, b.output_dims);
  return b;
}

// Calls f(index1, index2, output_index) for every output element, output in
// row-major order.
template <typename F>
void for_each_broadcast(const Broadcast4D& b, F&& f) {
  const auto& d = b.output_dims;
  int64_t out = 0;
  for (int64_t i0 = 0; i0 < d[0]; ++i0) {
    for (int64_t i1 = 0; i1 < d[1]; ++i1) {
      for (int64_t i2 = 0; i2 < d[2]; ++i2) {
        const int64_t base1 = i0 * b.stride1[0] + i1 * b.stride1[1] + i2 * b.stride1[2];
        const int64_t base2 = i0 * b.stride2[0] + i1 * b.stride2[1] + i2 * b.stride2[2];
        for (int64_t i3 = 0; i3 < d[3]; ++i3) f(base1 + i3 * b.stride1[3], base2 + i3 * b.stride2[3], out++);
      }
    }
  }
}

}  // namespace octet::int8
