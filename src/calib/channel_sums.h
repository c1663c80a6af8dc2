// Per-channel sums of one activation (channels last), for the channel means
// that bias correction needs. This runs over the input of every weighted
// layer of every calibration sample, so it is one vectorised pass that also
// yields the batch's min and max: an observer that needs no more (minmax,
// ema) then makes no pass of its own over those values.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "calib/batch_stats.h"
#include "runtime/kernel.h"
#include "runtime/output_summary.h"

namespace octet::calib {

struct ChannelSums {
  std::vector<double> sum;     // per channel (last dimension), of the finite values
  std::vector<int64_t> count;  // how many finite values each sum holds

  // Sets the sums to those of `value` (float32); returns its BatchStats, as
  // scan_batch(..., ZeroCount::Skip) would.
  BatchStats set(const TensorView& value);
  // The same from the summary its kernel made of `value`, without reading
  // the values, unless a sum is not finite (a NaN or Inf, or float
  // overflow): then set(value).
  BatchStats set(const TensorView& value, const OutputSummary& summary);
  // Adds another sample's sums (an empty one takes `other` whole).
  void add(const ChannelSums& other);
};

// The BatchStats of the `count` values a kernel summarised, when its sums
// are all finite: then every value is.
std::optional<BatchStats> stats_of(const OutputSummary& summary, int64_t count);

}  // namespace octet::calib
