// PAD / PADV2, int8 constant padding: TFLite's reference_ops::Pad on raw
// codes. The pad value is PADV2's constant when given, else the output zero
// point (TFLite Micro's pad.cc), i.e. real 0. Input and output share
// quantization, as TFLite requires.
#pragma once
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "runtime/int8/params.h"

namespace octet::int8 {

struct PadParams {
  std::vector<int64_t> input_dims;
  std::vector<int64_t> before, after;  // per dimension, >= 0
  int8_t pad_value = 0;
  std::vector<int64_t> output_dims() const {
    std::vector<int64_t> dims(input_dims.size());
    for (size_t d = 0; d < dims.size(); ++d) dims[d] = before[d] + input_dims[d] + after[d];
    return dims;
  }
};

inline PadParams prepare_pad(const std::vector<int64_t>& input_dims, const std::vector<int64_t>& before,
                             const std::vector<int64_t>& after, Affine input_q, Affine output_q,
                             std::optional<int8_t> constant = std::nullopt) {
  check_int8_zero_point(output_q, "PAD output");
  if (before.size() != input_dims.size() || after.size() != input_dims.size()) {
    fail(ErrorKind::BadShape, "PAD: one (before, after) pair per dimension expected");
  }
  for (size_t d = 0; d < input_dims.size(); ++d) {
    if (before[d] < 0 || after[d] < 0) fail(ErrorKind::Unsupported, "PAD: negative padding");
  }
  if (!same_quantization(input_q, output_q)) {
    fail(ErrorKind::Unsupported, "PAD: input and output quantization differ");
  }
  return {input_dims, before, after, constant.value_or(static_cast<int8_t>(output_q.zero_point))};
}

// Fills the output block of dimension `d` onward at `out`, reading the input
// block at `in`. The innermost dimension is copied as one run.
inline int8_t* pad_block(const PadParams& p, size_t d, const int8_t* in, int8_t* out,
                         const std::vector<int64_t>& in_strides, const std::vector<int64_t>& out_strides) {
  const int64_t out_block = out_strides[d];
  std::memset(out, p.pad_value, static_cast<size_t>(p.before[d] * out_block));
  out += p.before[d] * out_block;
  if (d + 1 == p.input_dims.size()) {
    std::memcpy(out, in, static_cast<size_t>(p.input_dims[d]));
    out += p.input_dims[d];
  } else {
    for (int64_t i = 0; i < p.input_dims[d]; ++i) {
      out = pad_block(p, d + 1, in + i * in_strides[d], out, in_strides, out_strides);
    }
  }
  std::memset(out, p.pad_value, static_cast<size_t>(p.after[d] * out_block));
  return out + p.after[d] * out_block;
}

inline void pad(const PadParams& p, const int8_t* input, int8_t* output) {
  const size_t rank = p.input_dims.size();
  if (rank == 0) {
    output[0] = input[0];
    return;
  }
  // in_strides[d] / out_strides[d]: elements in one step of dimension d.
  const std::vector<int64_t> out_dims = p.output_dims();
  std::vector<int64_t> in_strides(rank, 1), out_strides(rank, 1);
  for (size_t d = rank - 1; d > 0; --d) {
    in_strides[d - 1] = in_strides[d] * p.input_dims[d];
    out_strides[d - 1] = out_strides[d] * out_dims[d];
  }
  pad_block(p, 0, input, output, in_strides, out_strides);
}

}  // namespace octet::int8
