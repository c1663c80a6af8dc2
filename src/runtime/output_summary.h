// What calibration needs of a float activation (calib/channel_sums.h), made
// by the kernel that writes it while the values are still in registers,
// instead of a second pass over them: per-channel sums, min and max. A
// kernel sums a few dozen rows in float, then adds them to the doubles.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace octet {

struct OutputSummary {
  std::vector<double> sum;  // per channel (the last dimension)
  // Over all values, NaN left out (it loses every comparison); an Inf, or a
  // NaN, shows as a non-finite sum, where the summary's user scans instead.
  float min = std::numeric_limits<float>::infinity();
  float max = -std::numeric_limits<float>::infinity();

  void reset(int64_t channels) {
    sum.assign(static_cast<size_t>(channels), 0.0);
    min = std::numeric_limits<float>::infinity();
    max = -min;
  }
};

}  // namespace octet
