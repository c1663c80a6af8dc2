// A streaming histogram whose range grows as batches arrive, without keeping
// the data, in fixed memory.
//
// Bins are uniform and anchored at 0:
//   Magnitude: counts |x| over [0, extent], bin i = [i*w, (i+1)*w), w = extent/N
//   Signed:    counts x over [-extent, extent], bin i = [-extent + i*w, ...),
//              w = 2*extent/N (N even, so 0 is the lower edge of bin N/2)
// The top edge is closed: |x| == extent lands in the last bin.
//
// Growth is exact: when a batch needs a wider range, the extent is multiplied
// by an integer k >= 2 (the smallest that covers the batch). Every old bin then
// lies inside exactly one new bin (old bin i, counted from the anchor bin o,
// goes to new bin o + floor((i - o) / k)), so counts merge without any
// approximation. The cost is resolution: after growth the data may span as
// little as 1/k of the bins. (TensorRT and ONNX Runtime histograms grow by
// re-binning too; ours is the exact variant.)
//
// Exact min, max, zero count and non-finite count are tracked on the side.
// NaN and +-Inf are never binned.
#pragma once
#include <cstdint>
#include <vector>

namespace octet::calib {

class Histogram {
 public:
  enum class Mode { Magnitude, Signed };
  static constexpr int kDefaultBins = 2048;

  // `bins` >= 2 and even; throws Error(Internal) otherwise.
  explicit Histogram(Mode mode, int bins = kDefaultBins);

  void add(const float* data, int64_t n);

  Mode mode() const { return mode_; }
  int bins() const { return static_cast<int>(counts_.size()); }
  const std::vector<uint64_t>& counts() const { return counts_; }
  // 0 until a nonzero finite value has been seen.
  double extent() const { return extent_; }
  double bin_width() const;
  double bin_lower(int i) const;  // lower edge of bin i
  int zero_bin() const { return mode_ == Mode::Magnitude ? 0 : bins() / 2; }

  uint64_t total() const { return total_; }  // finite values binned
  uint64_t zeros() const { return zeros_; }  // of which exactly 0 (in zero_bin())
  uint64_t nonfinite() const { return nonfinite_; }
  // Exact over all finite values seen; 0 while total() == 0.
  float min() const { return min_; }
  float max() const { return max_; }
  // max(|min|, |max|).
  float abs_max() const;

 private:
  void grow_to(double needed_extent);
  void bin_values(const float* data, int64_t n);

  Mode mode_;
  std::vector<uint64_t> counts_;
  double extent_ = 0.0;
  uint64_t total_ = 0;
  uint64_t zeros_ = 0;
  uint64_t nonfinite_ = 0;
  float min_ = 0.0f;
  float max_ = 0.0f;
};

}  // namespace octet::calib
