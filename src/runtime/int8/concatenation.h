// CONCATENATION, int8. TFLite and TFLite Micro copy raw codes and refuse an
// int8 input whose scale or zero point differs from the output's, so a TFLite
// model carries such an input as QUANTIZE(int8 -> int8) + CONCATENATION.
// This kernel computes exactly that: inputs quantized like the output are
// copied, the others go through quantize.h's requantize (TFLite's Requantize).
#pragma once
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "runtime/int8/params.h"
#include "runtime/int8/quantize.h"

namespace octet::int8 {

struct ConcatenationParams {
  int64_t outer = 1;               // product of the extents before the axis
  int64_t inner = 1;               // product of the extents after the axis
  std::vector<int64_t> axis_sizes;  // each input's extent along the axis
  std::vector<std::optional<RequantizeParams>> requantize;  // empty: copy
};

// `axis` in [0, rank). All inputs must agree with each other off the axis.
inline ConcatenationParams prepare_concatenation(const std::vector<std::vector<int64_t>>& input_shapes, int axis,
                                                 const std::vector<Affine>& input_q, Affine output_q) {
  if (input_shapes.empty() || input_shapes.size() != input_q.size()) {
    fail(ErrorKind::BadShape, "CONCATENATION: inputs and their quantization do not match");
  }
  const std::vector<int64_t>& first = input_shapes[0];
  const int rank = static_cast<int>(first.size());
  if (axis < 0 || axis >= rank) fail(ErrorKind::BadShape, "CONCATENATION: axis out of range");
  ConcatenationParams p;
  for (int d = 0; d < axis; ++d) p.outer *= first[d];
  for (int d = axis + 1; d < rank; ++d) p.inner *= first[d];
  for (size_t i = 0; i < input_shapes.size(); ++i) {
    const std::vector<int64_t>& shape = input_shapes[i];
    bool agrees = static_cast<int>(shape.size()) == rank;
    for (int d = 0; agrees && d < rank; ++d) agrees = d == axis || shape[d] == first[d];
    if (!agrees) fail(ErrorKind::BadShape, "CONCATENATION: inputs differ off the axis");
    p.axis_sizes.push_back(shape[axis]);
    if (same_quantization(input_q[i], output_q)) {
      p.requantize.emplace_back();
    } else {
      p.requantize.emplace_back(prepare_requantize(input_q[i], output_q));
    }
  }
  return p;
}

// For each outer index, each input's slab of axis_size * inner codes in turn.
inline void concatenation(const ConcatenationParams& p, const int8_t* const* inputs, int8_t* output) {
  for (int64_t o = 0; o < p.outer; ++o) {
    for (size_t i = 0; i < p.axis_sizes.size(); ++i) {
      const int64_t slab = p.axis_sizes[i] * p.inner;
      const int8_t* source = inputs[i] + o * slab;
      if (p.requantize[i]) {
        requantize(source, slab, *p.requantize[i], output);
      } else {
        std::memcpy(output, source, static_cast<size_t>(slab));
      }
      output += slab;
    }
  }
}

}  // namespace octet::int8
