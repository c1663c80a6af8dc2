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
// add() works in pieces small enough to stay in cache between the scan and
// the binning; how the data is cut does not change the counts (see header).
constexpr int64_t kPiece = 16 * kChunk;

// The smallest e with 2^e >= v (v > 0), at least kMinExponent.
int exponent_covering(double v) {
  int e = 0;
  const double mantissa = std::frexp(v, &e);  // v = mantissa * 2^e, mantissa in [0.5, 1)
  if (mantissa == 0.5) --e;
  return std::max(e, Histogram::kMinExponent);
}

// floor(a / 2^shift) for any sign of a.
int64_t floor_shift(int64_t a, int shift) {
  if (shift >= 62) return a < 0 ? -1 : 0;
  return a >= 0 ? a >> shift : -((-a + (int64_t{1} << shift) - 1) >> shift);
}

// slot[i] = floor(x[i] * per_unit) + offset, clamped to [0, top], for a whole
// chunk. The fixed trip count lets GCC vectorise it at -O2 (with an AVX2
// clone: the same exact operations, the same bits). Truncation is floor for
// t >= 0; for negative t one is taken off when truncation rounded up.
template <bool kMagnitude>
__attribute__((target_clones("avx2", "default")))
void chunk_slots(const float* x, float per_unit, int32_t offset, int32_t top, int32_t* slot) {
  for (int i = 0; i < kChunk; ++i) {
    const float t = (kMagnitude ? std::fabs(x[i]) : x[i]) * per_unit;
    int32_t b = static_cast<int32_t>(t);
    if (!kMagnitude) b -= t < static_cast<float>(b);
    slot[i] = std::min(std::max(b + offset, 0), top);
  }
}

}  // namespace

// Counting is a scatter. In a run of one bin (the zeros of a ReLU output)
// each increment would wait for the previous one, so kWays uint32 tallies
// take turns. flush() adds them to the histogram's slots (and zeroes them),
// at the latest every 2^30 values, so no tally can overflow. The tallies are
// one per-thread buffer, reused (one add() at a time per thread), so add()
// allocates nothing; a batch too small to repay the flush (fewer values than
// tally entries) is counted straight into the slots.
class Histogram::Tallies {
 public:
  Tallies(std::vector<uint64_t>& slots, int64_t values)
      : slots_(slots), stride_(slots.size()), direct_(values < kWays * static_cast<int64_t>(stride_)) {
    if (!direct_ && ways_.size() != kWays * stride_) ways_.assign(kWays * stride_, 0);
  }
  ~Tallies() { flush(); }

  void count(const int32_t* slot, int m) {
    if (direct_) {
      for (int i = 0; i < m; ++i) ++slots_[slot[i]];
      return;
    }
    uint32_t* t0 = ways_.data();
    uint32_t* t1 = t0 + stride_;
    uint32_t* t2 = t1 + stride_;
    uint32_t* t3 = t2 + stride_;
    int i = 0;
    for (; i + kWays <= m; i += kWays) {
      ++t0[slot[i]];
      ++t1[slot[i + 1]];
      ++t2[slot[i + 2]];
      ++t3[slot[i + 3]];
    }
    for (; i < m; ++i) ++t0[slot[i]];
    counted_ += m;
    if (counted_ >= kFlushAfter) flush();
  }

  // Before the slots are merged by growth, and at the end.
  void flush() {
    if (counted_ == 0) return;
    for (size_t b = 0; b < stride_; ++b) {
      uint64_t sum = 0;
      for (int w = 0; w < kWays; ++w) sum += ways_[w * stride_ + b];
      slots_[b] += sum;
    }
    std::fill(ways_.begin(), ways_.end(), 0);
    counted_ = 0;
  }

 private:
  static constexpr int kWays = 4;
  static constexpr int64_t kFlushAfter = int64_t{1} << 30;
  static thread_local std::vector<uint32_t> ways_;  // kWays tallies of stride_ slots; zero when idle
  std::vector<uint64_t>& slots_;
  size_t stride_;
  bool direct_;
  int64_t counted_ = 0;
};

thread_local std::vector<uint32_t> Histogram::Tallies::ways_;

Histogram::Histogram(Mode mode, int bins) : mode_(mode), bins_(bins) {
  if (bins < 2 || bins % 2 != 0)
    fail(ErrorKind::Internal, "histogram needs an even number of bins >= 2, got " +
                                  std::to_string(bins));
  slots_.assign(bins + 1, 0);
}

std::vector<uint64_t> Histogram::counts() const {
  std::vector<uint64_t> c(slots_.begin(), slots_.end() - 1);
  c.back() += slots_.back();
  return c;
}

double Histogram::extent() const { return has_extent_ ? std::ldexp(1.0, exponent_) : 0.0; }

double Histogram::bin_width() const {
  return (mode_ == Mode::Magnitude ? extent() : 2.0 * extent()) / bins_;
}

double Histogram::bin_lower(int i) const {
  return (mode_ == Mode::Magnitude ? 0.0 : -extent()) + i * bin_width();
}

float Histogram::abs_max() const { return std::max(std::fabs(min_), std::fabs(max_)); }

void Histogram::add_range(float batch_min, float batch_max) {
  min_ = total_ == 0 ? batch_min : std::min(min_, batch_min);
  max_ = total_ == 0 ? batch_max : std::max(max_, batch_max);
}

void Histogram::add(const float* data, int64_t n) {
  Tallies tallies(slots_, n);
  for (int64_t start = 0; start < n; start += kPiece)
    add_piece(data + start, std::min(kPiece, n - start), tallies);
}

void Histogram::add_piece(const float* data, int64_t n, Tallies& tallies) {
  const BatchStats s = scan_batch(data, n);
  nonfinite_ += s.nonfinite;
  if (s.finite == 0) return;
  add_range(s.min, s.max);
  total_ += s.finite;
  zeros_ += s.zeros;
  const double needed = std::max(std::fabs(double{s.min}), std::fabs(double{s.max}));
  if (needed > 0.0 && (!has_extent_ || exponent_covering(needed) > exponent_)) {
    tallies.flush();
    grow_to(exponent_covering(needed));
  }
  if (s.nonfinite == 0) {
    bin_values(data, n, tallies);
    return;
  }
  std::vector<float> finite;  // rare: copy out the finite values
  finite.reserve(s.finite);
  for (int64_t i = 0; i < n; ++i)
    if (is_finite_value(data[i])) finite.push_back(data[i]);
  bin_values(finite.data(), static_cast<int64_t>(finite.size()), tallies);
}

void Histogram::merge(const Histogram& other) {
  if (other.mode_ != mode_ || other.bins_ != bins_)
    fail(ErrorKind::Internal, "histogram merge: different modes or bin counts");
  nonfinite_ += other.nonfinite_;
  if (other.total_ == 0) return;
  add_range(other.min_, other.max_);
  total_ += other.total_;
  zeros_ += other.zeros_;
  if (!other.has_extent_) {  // only zeros
    slots_[zero_bin()] += other.slots_[zero_bin()];
    return;
  }
  grow_to(other.exponent_);
  Histogram aligned = other;
  aligned.grow_to(exponent_);
  for (size_t i = 0; i < slots_.size(); ++i) slots_[i] += aligned.slots_[i];
}

void Histogram::grow_to(int exponent) {
  if (!has_extent_) {  // only zeros so far: they sit in zero_bin() at any extent
    has_extent_ = true;
    exponent_ = exponent;
    return;
  }
  if (exponent <= exponent_) return;
  const int shift = exponent - exponent_;
  const int64_t anchor = zero_bin();
  std::vector<uint64_t> merged(slots_.size(), 0);
  for (int64_t i = 0; i < static_cast<int64_t>(slots_.size()); ++i)
    merged[anchor + floor_shift(i - anchor, shift)] += slots_[i];
  slots_.swap(merged);
  exponent_ = exponent;
}

void Histogram::bin_values(const float* data, int64_t n, Tallies& tallies) {
  if (!has_extent_) {  // every value is 0
    slots_[zero_bin()] += n;  // (nothing is tallied before the first growth)
    return;
  }
  const bool magnitude = mode_ == Mode::Magnitude;
  // N * 2^-e (N * 2^-(e+1) signed): exact in float for any e we use.
  const float per_unit = std::ldexp(static_cast<float>(bins_), magnitude ? -exponent_ : -exponent_ - 1);
  const int32_t offset = zero_bin();
  const int32_t top = bins_;
  int32_t slot[kChunk];
  float tail[kChunk];
  for (int64_t start = 0; start < n; start += kChunk) {
    const int m = static_cast<int>(std::min<int64_t>(kChunk, n - start));
    const float* x = data + start;
    if (m < kChunk) {  // last partial chunk: pad a copy (padding is not counted)
      std::fill(std::copy(x, x + m, tail), tail + kChunk, 0.0f);
      x = tail;
    }
    if (magnitude) {
      chunk_slots<true>(x, per_unit, offset, top, slot);
    } else {
      chunk_slots<false>(x, per_unit, offset, top, slot);
    }
    tallies.count(slot, m);
  }
}

}  // namespace octet::calib
