// A streaming histogram whose range grows as batches arrive, without keeping
// the data, in fixed memory, and whose counts do not depend on the order of
// the batches: histograms of different parts of the data merge exactly, so
// calibration can fill one per thread (calibrate.h).
//
// Bins are uniform and anchored at 0:
//   Magnitude: counts |x| over [0, extent], bin i = [i*w, (i+1)*w), w = extent/N
//   Signed:    counts x over [-extent, extent], bin i = [-extent + i*w, ...),
//              w = 2*extent/N (N even, so 0 is the lower edge of bin N/2)
// The top edge is closed: |x| == extent lands in the last bin.
//
// The extent is always a power of two: the smallest 2^e >= max |x| seen
// (e >= kMinExponent), so it depends on the data, not on the order it came in.
// A value's bin is floor(x * per_unit) with per_unit = N / extent (N / (2 *
// extent) signed), a float product that is exact up to the one rounding of
// x * per_unit; doubling the extent halves per_unit exactly, so that product
// is just halved too. Growth from 2^e to 2^(e+d) therefore merges bins by
// floor division by 2^d and gives exactly the counts that binning every value
// at the final extent would have given. (Values exactly on the top edge are
// kept in a bin of their own until counts() folds them into the last bin, so
// that they too move to the right bin on growth. One exception: a negative
// value so tiny that x * per_unit underflows to -0, |x| < 2^-149 * extent / N,
// i.e. a subnormal in a tensor with values beyond N, may land one bin off.) TensorRT's and ONNX
// Runtime's histograms also grow by re-binning, approximately; ours is exact.
//
// Exact min, max, zero count and non-finite count are tracked on the side.
// NaN and +-Inf are never binned. -0 counts as +0 (also for min and max).
#pragma once
#include <cstdint>
#include <vector>

namespace octet::calib {

class Histogram {
 public:
  enum class Mode { Magnitude, Signed };
  static constexpr int kDefaultBins = 2048;
  // The smallest extent is 2^kMinExponent: values below it all sit in the
  // bins nearest 0 (keeps per_unit far inside float range).
  static constexpr int kMinExponent = -100;

  // `bins` >= 2 and even; throws Error(Internal) otherwise.
  explicit Histogram(Mode mode, int bins = kDefaultBins);

  void add(const float* data, int64_t n);
  // Adds everything `other` saw: afterwards this histogram is exactly the one
  // that had seen both sets of batches. Error(Internal) for another mode or
  // bin count.
  void merge(const Histogram& other);

  Mode mode() const { return mode_; }
  int bins() const { return bins_; }
  // One count per bin (a copy: the top edge's values are folded into the last).
  std::vector<uint64_t> counts() const;
  // 0 until a nonzero finite value has been seen; then a power of two.
  double extent() const;
  double bin_width() const;
  double bin_lower(int i) const;  // lower edge of bin i
  int zero_bin() const { return mode_ == Mode::Magnitude ? 0 : bins_ / 2; }

  uint64_t total() const { return total_; }  // finite values binned
  uint64_t zeros() const { return zeros_; }  // of which exactly 0 (in zero_bin())
  uint64_t nonfinite() const { return nonfinite_; }
  // Exact over all finite values seen; 0 while total() == 0.
  float min() const { return min_; }
  float max() const { return max_; }
  // max(|min|, |max|).
  float abs_max() const;

 private:
  class Tallies;
  void add_piece(const float* data, int64_t n, Tallies& tallies);
  // Merges bins as the extent grows to 2^exponent.
  void grow_to(int exponent);
  void bin_values(const float* data, int64_t n, Tallies& tallies);
  void add_range(float batch_min, float batch_max);

  Mode mode_;
  int bins_;
  // bins_ + 1 slots: slot bins_ holds the values exactly at +extent.
  std::vector<uint64_t> slots_;
  bool has_extent_ = false;  // a nonzero value has been seen
  int exponent_ = kMinExponent;  // extent = 2^exponent_ once has_extent_
  uint64_t total_ = 0;
  uint64_t zeros_ = 0;
  uint64_t nonfinite_ = 0;
  float min_ = 0.0f;
  float max_ = 0.0f;
};

}  // namespace octet::calib
