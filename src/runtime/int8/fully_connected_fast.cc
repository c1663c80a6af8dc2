#include "runtime/int8/fully_connected_fast.h"

#include <numeric>
#include <vector>

#include "runtime/int8/centered.h"
#include "runtime/int8/requantize.h"
#include "runtime/int8/vector_blocks.h"

namespace octet::int8 {
namespace {

inline void multiply_add_block(const int8_t* __restrict w, const int16_t* __restrict x, int32_t* __restrict sums) {
  for (int64_t j = 0; j < kVectorBlock; ++j) sums[j] += static_cast<int16_t>(w[j] * x[j]);
}

// sum_d w[d] * x[d] over `depth` values.
int32_t dot(const int8_t* w, const int16_t* x, int depth) {
  int32_t sums[kVectorBlock] = {};
  int d = 0;
  for (; d + kVectorBlock <= depth; d += kVectorBlock) multiply_add_block(w + d, x + d, sums);
  int32_t total = std::accumulate(sums, sums + kVectorBlock, 0);
  for (; d < depth; ++d) total += int32_t{w[d]} * x[d];
  return total;
}

}  // namespace

void fully_connected_fast(const FullyConnectedParams& p, const int8_t* input, const int8_t* filter,
                          const int32_t* bias, int8_t* output) {
  // One multiplier per output: per-channel ones as they are, a per-tensor one repeated.
  const std::vector<QuantizedMultiplier> multipliers =
      p.output_multipliers.size() > 1 ? p.output_multipliers
                                      : std::vector<QuantizedMultiplier>(p.outputs, p.output_multipliers[0]);
  const Requantization q = prepare_requantization(multipliers, p.output_offset, p.activation);
  thread_local std::vector<int16_t> centered;  // reused across runs
  thread_local std::vector<int32_t> sums;
  centered.resize(p.depth);
  sums.resize(p.outputs);
  for (int b = 0; b < p.batches; ++b) {
    center_codes(input + int64_t{b} * p.depth, p.depth, p.input_offset, centered.data());
    const int32_t centered_sum = std::accumulate(centered.begin(), centered.end(), int32_t{0});
    for (int o = 0; o < p.outputs; ++o)
      sums[o] = dot(filter + int64_t{o} * p.depth, centered.data(), p.depth) + p.filter_offset * centered_sum;
    requantize_channels(q, sums.data(), bias, output + int64_t{b} * p.outputs);
  }
}

}  // namespace octet::int8
