#include "calib/histogram.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "calib/batch_stats.h"
#include "graph/error.h"

namespace octet::calib {
namespace {

// Bin indices are computed a chunk at a time into a small buffer (a loop the
// compiler vectorises), then counted (the scatter, which it cannot).
constexpr int kChunk = 1024;

// Smallest extent: keeps bins / extent far inside float range.
constexpr double kMinExtent = 1e-30;

// index[i] = bin of x[i] for a whole chunk: floor(x[i] * per_unit + anchor),
// clamped to [0, last]; the argument is >= 0 up to rounding, so truncation is
// floor. The fixed trip count lets GCC vectorise it at -O2.
template <bool kMagnitude>
void chunk_bin_indices(const float* x, float per_unit, float anchor, int32_t last,
                       int32_t* index) {
  for (int i = 0; i < kChunk; ++i) {
    const float v = kMagnitude ? std::fabs(x[i]) : x[i];
    const int32_t b = static_cast<int32_t>(v * per_unit + anchor);
    index[i] = std::min(std::max(b, 0), last);
  }
}

}  // namespace

Histogram::Histogram(Mode mode, int bins) : mode_(mode) {
  if (bins < 2 || bins % 2 != 0)
    fail(ErrorKind::Internal, "histogram needs an even number of bins >= 2, got " +
                                  std::to_string(bins));
  counts_.assign(bins, 0);
}

double Histogram::bin_width() const {
  return (mode_ == Mode::Magnitude ? extent_ : 2.0 * extent_) / bins();
}

double Histogram::bin_lower(int i) const {
  return (mode_ == Mode::Magnitude ? 0.0 : -extent_) + i * bin_width();
}

float Histogram::abs_max() const { return std::max(std::fabs(min_), std::fabs(max_)); }

void Histogram::add(const float* data, int64_t n) {
  const BatchStats s = scan_batch(data, n);
  nonfinite_ += s.nonfinite;
  if (s.finite == 0) return;
  min_ = total_ == 0 ? s.min : std::min(min_, s.min);
  max_ = total_ == 0 ? s.max : std::max(max_, s.max);
  total_ += s.finite;
  zeros_ += s.zeros;
  grow_to(std::max(std::fabs(double{s.min}), std::fabs(double{s.max})));
  if (s.nonfinite == 0) {
    bin_values(data, n);
    return;
  }
  std::vector<float> finite;  // rare: copy out the finite values
  finite.reserve(s.finite);
  for (int64_t i = 0; i < n; ++i)
    if (is_finite_value(data[i])) finite.push_back(data[i]);
  bin_values(finite.data(), static_cast<int64_t>(finite.size()));
}

void Histogram::grow_to(double needed) {
  if (needed <= extent_) return;
  // Below this, 1 / bin_width would overflow float; such values count as 0-ish.
  needed = std::max(needed, kMinExtent);
  if (extent_ == 0.0) {  // only zeros so far: they sit in zero_bin() at any extent
    extent_ = needed;
    return;
  }
  const double k = std::ceil(needed / extent_);
  // Any factor >= bins() sends every bin to the anchor bin or (Signed) the one
  // below it, so the integer arithmetic can stop there.
  const int64_t step = static_cast<int64_t>(std::min(k, double(bins())));
  const int64_t anchor = zero_bin();
  std::vector<uint64_t> merged(counts_.size(), 0);
  for (int64_t i = 0; i < bins(); ++i) {
    const int64_t from_anchor = i - anchor;
    // floor division (from_anchor may be negative in Signed mode)
    const int64_t q = from_anchor >= 0 ? from_anchor / step : -((-from_anchor + step - 1) / step);
    merged[anchor + q] += counts_[i];
  }
  counts_.swap(merged);
  extent_ *= k;
}

void Histogram::bin_values(const float* data, int64_t n) {
  if (extent_ == 0.0) {  // every value is 0
    counts_[zero_bin()] += n;
    return;
  }
  const bool magnitude = mode_ == Mode::Magnitude;
  const float per_unit = static_cast<float>(1.0 / bin_width());
  const float anchor = static_cast<float>(zero_bin());
  const int32_t last = bins() - 1;
  int32_t index[kChunk];
  float tail[kChunk];
  for (int64_t start = 0; start < n; start += kChunk) {
    const int m = static_cast<int>(std::min<int64_t>(kChunk, n - start));
    const float* x = data + start;
    if (m < kChunk) {  // last partial chunk: pad a copy (padding is not counted)
      std::fill(std::copy(x, x + m, tail), tail + kChunk, 0.0f);
      x = tail;
    }
    if (magnitude) {
      chunk_bin_indices<true>(x, per_unit, anchor, last, index);
    } else {
      chunk_bin_indices<false>(x, per_unit, anchor, last, index);
    }
    for (int i = 0; i < m; ++i) ++counts_[index[i]];
  }
}

}  // namespace octet::calib
