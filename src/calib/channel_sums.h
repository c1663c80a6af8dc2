// Per-channel sums of one activation (channels last), for the channel means
// that bias correction needs. This runs over the input of every weighted
// layer of every calibration sample, so it is one vectorised pass that also
// yields the batch's min and max: an observer that needs no more (minmax,
// ema) then makes no pass of its own over those values.
#pragma once
#include <cstdint>
#include <vector>

#include "calib/batch_stats.h"
#include "runtime/kernel.h"

namespace octet::calib {

struct ChannelSums {
  std::vector<double> sum;     // per channel (last dimension), of the finite values
  std::vector<int64_t> count;  // how many finite values each sum holds

  // Sets the sums to those of `value` (float32); returns its BatchStats, as
  // scan_batch(..., ZeroCount::Skip) would.
  BatchStats set(const TensorView& value);
  // Adds another sample's sums (an empty one takes `other` whole).
  void add(const ChannelSums& other);
};

}  // namespace octet::calib
