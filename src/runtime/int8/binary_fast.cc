#include "runtime/int8/binary_fast.h"

#include <array>
#include <vector>

#include "runtime/int8/requantize.h"

namespace octet::int8 {
namespace {

using RescaleTable = std::array<int32_t, 256>;  // indexed by code + 128

RescaleTable rescale_table(int32_t offset, int left_shift, QuantizedMultiplier multiplier) {
  RescaleTable table;
  for (int code = -128; code < 128; ++code)
    table[code + 128] = add_sub_rescale(static_cast<int8_t>(code), offset, left_shift, multiplier);
  return table;
}

// raw(i, j, o) is the int32 value of output o from elements a[i], b[j];
// the output stage rescales them all.
template <typename Raw>
void rescale_outputs(const Broadcast4D& shape, QuantizedMultiplier multiplier, int32_t output_offset,
                     ActivationRange activation, int8_t* y, Raw raw) {
  thread_local std::vector<int32_t> values;  // reused across calls
  values.resize(shape.output_size());
  for_each_broadcast(shape, [&](int64_t i, int64_t j, int64_t o) { values[o] = raw(i, j); });
  requantize_uniform(prepare_uniform_requantization(multiplier, output_offset, activation), values.data(),
                     shape.output_size(), y);
}

}  // namespace

void add_fast(const AddSubParams& p, const Broadcast4D& shape, const int8_t* a, const int8_t* b, int8_t* y) {
  const RescaleTable ta = rescale_table(p.input1_offset, p.left_shift, p.input1_multiplier);
  const RescaleTable tb = rescale_table(p.input2_offset, p.left_shift, p.input2_multiplier);
  rescale_outputs(shape, p.output_multiplier, p.output_offset, p.activation, y,
                  [&](int64_t i, int64_t j) { return ta[a[i] + 128] + tb[b[j] + 128]; });
}

void sub_fast(const AddSubParams& p, const Broadcast4D& shape, const int8_t* a, const int8_t* b, int8_t* y) {
  const RescaleTable ta = rescale_table(p.input1_offset, p.left_shift, p.input1_multiplier);
  const RescaleTable tb = rescale_table(p.input2_offset, p.left_shift, p.input2_multiplier);
  rescale_outputs(shape, p.output_multiplier, p.output_offset, p.activation, y,
                  [&](int64_t i, int64_t j) { return ta[a[i] + 128] - tb[b[j] + 128]; });
}

void mul_fast(const MulParams& p, const Broadcast4D& shape, const int8_t* a, const int8_t* b, int8_t* y) {
  rescale_outputs(shape, p.output_multiplier, p.output_offset, p.activation, y, [&](int64_t i, int64_t j) {
    return (int32_t{a[i]} + p.input1_offset) * (int32_t{b[j]} + p.input2_offset);
  });
}

}  // namespace octet::int8
