#include "calib/channel_sums.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "runtime/float_lanes.h"

namespace octet::calib {
namespace {

// Rows summed in float before they go into the double sums: few enough that
// float rounding stays far below what a mean needs, many enough that the
// double additions cost nothing.
constexpr int64_t kRowsPerBlock = 64;
// The fewest values scan_rows takes as a row: eight vectors.
constexpr int64_t kMinRowWidth = 64;

// Over `count` rows of `channels` values: block[c] += the column sums, and
// lo/hi take the values' min and max (NaN loses every comparison). The rows
// are read in order (two cores streaming through memory at once keep their
// bandwidth that way), eight channels a vector: the sums round-trip through
// `block`, which stays in L1, and the min and max stay in registers.
__attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
void scan_rows(const float* rows, int64_t count, int64_t channels, float* block, float& lo_out, float& hi_out) {
  const float* end = rows + count * channels;
  const int64_t whole = channels - channels % 8;
  Floats8 mn = Floats8{} + lo_out, mx = Floats8{} + hi_out;
  float lo = lo_out, hi = hi_out;
  const float* row = rows;
  // Two rows at a time: their sum goes through `block` once, which halves
  // the loads and stores there.
  for (; row + 2 * channels <= end; row += 2 * channels) {
    for (int64_t c = 0; c < whole; c += 8) {
      const Floats8 a = load8(row + c), b = load8(row + channels + c);
      store8(block + c, load8(block + c) + (a + b));
      const Floats8 low = a < b ? a : b, high = a > b ? a : b;  // a NaN in b still loses below
      mn = low < mn ? low : mn;
      mx = high > mx ? high : mx;
    }
  }
  if (row < end)
    for (int64_t c = 0; c < whole; c += 8) {
      const Floats8 a = load8(row + c);
      store8(block + c, load8(block + c) + a);
      mn = a < mn ? a : mn;
      mx = a > mx ? a : mx;
    }
  for (row = rows; row < end; row += channels) {
    for (int64_t c = whole; c < channels; ++c) {
      block[c] += row[c];
      lo = row[c] < lo ? row[c] : lo;
      hi = row[c] > hi ? row[c] : hi;
    }
  }
  for (int l = 0; l < 8; ++l) {
    lo = std::min(lo, mn[l]);
    hi = std::max(hi, mx[l]);
  }
  lo_out = lo;
  hi_out = hi;
}

}  // namespace

BatchStats ChannelSums::set(const TensorView& value) {
  const int64_t channels = value.shape.empty() ? 1 : value.shape.back();
  const int64_t n = value.element_count();
  const int64_t positions = channels ? n / channels : 0;
  const float* data = value.as<float>();
  sum.assign(static_cast<size_t>(channels), 0.0);
  count.assign(static_cast<size_t>(channels), positions);
  if (n == 0) return scan_batch(data, n, ZeroCount::Skip);
  float lo = std::numeric_limits<float>::infinity(), hi = -lo;
  // Few channels would leave the vectors of scan_rows idle (an RGB image's
  // three) or spend its time turning from row to row: its rows are then
  // several positions wide, a multiple of 8 values and at least kMinRowWidth,
  // and value j of a row belongs to channel j % channels.
  int64_t width = channels;
  if (channels < kMinRowWidth) {
    const int64_t unit = std::lcm(channels, int64_t{8});
    width = (kMinRowWidth + unit - 1) / unit * unit;
  }
  std::vector<float> block(static_cast<size_t>(width));
  auto scan = [&](const float* rows, int64_t count, int64_t row_width) {
    std::fill(block.begin(), block.end(), 0.0f);
    scan_rows(rows, count, row_width, block.data(), lo, hi);
    for (int64_t j = 0, c = 0; j < row_width; ++j, c = c + 1 == channels ? 0 : c + 1)
      sum[static_cast<size_t>(c)] += block[static_cast<size_t>(j)];
  };
  const int64_t wide_rows = n / width;
  for (int64_t r = 0; r < wide_rows; r += kRowsPerBlock)
    scan(data + r * width, std::min(kRowsPerBlock, wide_rows - r), width);
  if (const int64_t rest = n - wide_rows * width; rest > 0) scan(data + wide_rows * width, rest / channels, channels);
  // A non-finite sum means a NaN or Inf (or a float block sum that
  // overflowed): rare, so those channels are summed again without them and
  // the stats come from the exact scan.
  bool all_finite = true;
  for (int64_t c = 0; c < channels; ++c) {
    if (std::isfinite(sum[static_cast<size_t>(c)])) continue;
    all_finite = false;
    double finite_sum = 0.0;
    int64_t finite = 0;
    for (int64_t p = 0; p < positions; ++p)
      if (std::isfinite(data[p * channels + c])) {
        finite_sum += data[p * channels + c];
        ++finite;
      }
    sum[static_cast<size_t>(c)] = finite_sum;
    count[static_cast<size_t>(c)] = finite;
  }
  if (!all_finite) return scan_batch(data, n, ZeroCount::Skip);
  BatchStats stats;
  stats.finite = n;
  // + 0.0f turns -0 into +0, as scan_batch does.
  stats.min = lo + 0.0f;
  stats.max = hi + 0.0f;
  return stats;
}

std::optional<BatchStats> stats_of(const OutputSummary& summary, int64_t count) {
  for (double s : summary.sum)
    if (!std::isfinite(s)) return std::nullopt;
  BatchStats stats;
  stats.finite = count;
  // + 0.0f turns -0 into +0, as scan_batch does.
  stats.min = summary.min + 0.0f;
  stats.max = summary.max + 0.0f;
  return stats;
}

BatchStats ChannelSums::set(const TensorView& value, const OutputSummary& summary) {
  const int64_t n = value.element_count();
  const std::optional<BatchStats> stats = n > 0 ? stats_of(summary, n) : std::nullopt;
  if (!stats) return set(value);
  const int64_t channels = static_cast<int64_t>(summary.sum.size());
  sum = summary.sum;
  count.assign(summary.sum.size(), n / channels);
  return *stats;
}

void ChannelSums::add(const ChannelSums& other) {
  if (sum.empty()) {
    *this = other;
    return;
  }
  for (size_t c = 0; c < sum.size() && c < other.sum.size(); ++c) {
    sum[c] += other.sum[c];
    count[c] += other.count[c];
  }
}

}  // namespace octet::calib
