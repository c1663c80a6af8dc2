#include "runtime/float_pointwise.h"

#include <algorithm>
#include <limits>

#include "runtime/float_lanes.h"

namespace octet {
namespace {

// Pixels per tile: with one weight vector and broadcast inputs, seven
// accumulators keep an AVX-512 core's FMA unit busy (XNNPACK's choice too).
constexpr int kTileRows = 7;
// Pixels whose output sums are kept in float before they go into the
// summary's doubles.
constexpr int64_t kPixelsPerFlush = 9 * kTileRows;

// The running min and max of everything written, per lane.
template <class V>
struct Extremes {
  V lo = V{} + std::numeric_limits<float>::infinity();
  V hi = V{} - std::numeric_limits<float>::infinity();
};

// Rows pixels (input rows of k values from `a`) x one block of channels
// (V's lanes; `block` is its packed bias then [k][lanes] weights) into `c`
// (rows of n values). Forced inline into the AVX-512 function below so that
// V is one register; -O2 leaves loops rolled, so the pixel loops are unrolled.
template <class V, int Rows, bool kSummary>
__attribute__((always_inline)) inline void tile(const float* a, int64_t k, const float* block, float* c, int64_t n,
                                                V clamp_lo, V clamp_hi, float* column_sums, Extremes<V>& seen) {
  constexpr int64_t lanes = kLanesOf<V>;
  const V bias = load_lanes<V>(block);
  const float* w = block + lanes;
  V acc[Rows];
  const float* in[Rows];
#pragma GCC unroll 8
  for (int r = 0; r < Rows; ++r) {
    acc[r] = bias;
    in[r] = a + r * k;
  }
  for (int64_t i = 0; i < k; ++i) {
    const V wi = load_lanes<V>(w + i * lanes);
#pragma GCC unroll 8
    for (int r = 0; r < Rows; ++r) acc[r] += wi * in[r][i];
  }
  V sum = {};
#pragma GCC unroll 8
  for (int r = 0; r < Rows; ++r) {
    V v = acc[r] < clamp_lo ? clamp_lo : acc[r];
    v = v > clamp_hi ? clamp_hi : v;
    store_lanes<V>(c + r * n, v);
    if constexpr (kSummary) {
      sum += v;
      seen.lo = v < seen.lo ? v : seen.lo;
      seen.hi = v > seen.hi ? v : seen.hi;
    }
  }
  if constexpr (kSummary) store_lanes<V>(column_sums, load_lanes<V>(column_sums) + sum);
}

struct Kernel {
  const float* packed;
  int64_t k, n;
  float out_min, out_max;
};

// Rows pixels, every channel block: 16 lanes, then a last block of 8.
template <int Rows, bool kSummary>
__attribute__((always_inline)) inline void pixels(const Kernel& kn, const float* a, float* c, float* column_sums,
                                                  Extremes<Floats16>& seen16, Extremes<Floats8>& seen8) {
  const int64_t wide = kn.n - kn.n % 16;
  const Floats16 lo16 = Floats16{} + kn.out_min, hi16 = Floats16{} + kn.out_max;
  for (int64_t b = 0; b < wide; b += 16)
    tile<Floats16, Rows, kSummary>(a, kn.k, kn.packed + b * (kn.k + 1), c + b, kn.n, lo16, hi16, column_sums + b,
                                   seen16);
  if (wide < kn.n)
    tile<Floats8, Rows, kSummary>(a, kn.k, kn.packed + wide * (kn.k + 1), c + wide, kn.n, Floats8{} + kn.out_min,
                                  Floats8{} + kn.out_max, column_sums + wide, seen8);
}

// Pixel by pixel tile rows, all channels of kTileRows pixels before the next
// (their inputs stay in L1 while the weights stream).
template <bool kSummary>
__attribute__((always_inline)) inline void run_pixels(const Kernel& kn, const float* in, float* out, int64_t count,
                                                      OutputSummary* summary) {
  Extremes<Floats16> seen16;
  Extremes<Floats8> seen8;
  std::vector<float> column_sums(kSummary ? static_cast<size_t>(kn.n) : 0);
  for (int64_t p0 = 0; p0 < count; p0 += kPixelsPerFlush) {
    const int64_t p1 = std::min(count, p0 + kPixelsPerFlush);
    if constexpr (kSummary) std::fill(column_sums.begin(), column_sums.end(), 0.0f);
    int64_t p = p0;
    for (; p + kTileRows <= p1; p += kTileRows)
      pixels<kTileRows, kSummary>(kn, in + p * kn.k, out + p * kn.n, column_sums.data(), seen16, seen8);
    for (; p < p1; ++p) pixels<1, kSummary>(kn, in + p * kn.k, out + p * kn.n, column_sums.data(), seen16, seen8);
    if constexpr (kSummary)
      for (int64_t c = 0; c < kn.n; ++c) summary->sum[static_cast<size_t>(c)] += column_sums[static_cast<size_t>(c)];
  }
  if constexpr (kSummary) {
    for (int l = 0; l < 16; ++l) {
      summary->min = std::min(summary->min, seen16.lo[l]);
      summary->max = std::max(summary->max, seen16.hi[l]);
    }
    for (int l = 0; l < 8; ++l) {
      summary->min = std::min(summary->min, seen8.lo[l]);
      summary->max = std::max(summary->max, seen8.hi[l]);
    }
  }
}

__attribute__((target("arch=x86-64-v4"))) void run_avx512(const Kernel& kn, const float* in, float* out,
                                                           int64_t count, OutputSummary* summary) {
  if (summary)
    run_pixels<true>(kn, in, out, count, summary);
  else
    run_pixels<false>(kn, in, out, count, nullptr);
}

}  // namespace

bool FloatPointwiseConv::supported() { return __builtin_cpu_supports("x86-64-v4"); }

FloatPointwiseConv::FloatPointwiseConv(int64_t in_channels, int64_t out_channels, const float* weights,
                                       const float* bias, float out_min, float out_max)
    : k_(in_channels), n_(out_channels), out_min_(out_min), out_max_(out_max) {
  packed_.resize(static_cast<size_t>(n_ * (k_ + 1)));
  for (int64_t b = 0; b < n_; b += 16) {
    const int64_t lanes = std::min<int64_t>(16, n_ - b);
    float* block = packed_.data() + b * (k_ + 1);
    for (int64_t l = 0; l < lanes; ++l) {
      block[l] = bias ? bias[b + l] : 0.0f;
      for (int64_t i = 0; i < k_; ++i) block[lanes + i * lanes + l] = weights[(b + l) * k_ + i];
    }
  }
}

void FloatPointwiseConv::run(const float* input, float* output, int64_t first, int64_t count,
                             OutputSummary* summary) const {
  const Kernel kn{packed_.data(), k_, n_, out_min_, out_max_};
  run_avx512(kn, input + first * k_, output + first * n_, count, summary);
}

}  // namespace octet
