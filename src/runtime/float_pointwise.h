// A float 1x1 convolution (stride 1, no padding, one group) on NHWC: the
// matrix product of [pixels, K] inputs with [K, N] weights, plus bias, then
// the fused activation's clamp. It computes what XNNPACK's AVX-512 kernel
// does, at the same speed (7 pixels x 16 channels per tile, the weights
// packed per 16 channels), but can also summarise its output as it writes
// it (output_summary.h): that saves calibration a pass over most of a CNN's
// activations. Built for AVX-512 only; elsewhere XNNPACK takes the node.
//
// The output channel count must be a multiple of 8 (a last block of 8 runs
// on 8-lane vectors).
#pragma once
#include <cstdint>
#include <vector>

#include "runtime/output_summary.h"

namespace octet {

class FloatPointwiseConv {
 public:
  // Whether this CPU runs the kernel (AVX-512: x86-64-v4).
  static bool supported();

  // `weights` [N, K] (the IR's [N, 1, 1, K]); `bias` N values or null.
  FloatPointwiseConv(int64_t in_channels, int64_t out_channels, const float* weights, const float* bias,
                     float out_min, float out_max);

  // Output pixels [first, first + count) of [pixels, N] from [pixels, K]. With
  // `summary`, its sums, min and max take in these pixels' outputs.
  void run(const float* input, float* output, int64_t first, int64_t count, OutputSummary* summary) const;

 private:
  int64_t k_, n_;
  float out_min_, out_max_;
  std::vector<float> packed_;  // per block of 16 (last: 8) channels: its bias, then [K][lanes] weights
};

}  // namespace octet
