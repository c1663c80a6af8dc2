#include "runtime/float_depthwise.h"

#include <algorithm>

#include "runtime/float_lanes.h"

namespace octet {
namespace {

// max then min, as XNNPACK and the reference kernels clamp (a NaN stays NaN).
template <class V>
__attribute__((always_inline)) inline V clamp(V v, V lo, V hi) {
  v = v < lo ? lo : v;
  return v > hi ? hi : v;
}

// One output pixel of one channel block, any window, taps that fall in the
// padding skipped: the border pixels. `image` is the pixel's batch at the
// block's first channel, `taps` the packed weights at the same channel.
template <class V>
__attribute__((always_inline)) inline V border_pixel(const DepthwiseGeometry& g, const float* image,
                                                     const float* taps, V bias, int64_t oy, int64_t ox) {
  V acc = bias;
  for (int64_t ky = 0; ky < g.kernel_h; ++ky) {
    const int64_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
    if (iy < 0 || iy >= g.in_h) continue;
    for (int64_t kx = 0; kx < g.kernel_w; ++kx) {
      const int64_t ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
      if (ix < 0 || ix >= g.in_w) continue;
      acc += load_lanes<V>(taps + (ky * g.kernel_w + kx) * g.channels) *
             load_lanes<V>(image + (iy * g.in_w + ix) * g.channels);
    }
  }
  return acc;
}

// Output pixels computed together along a row: a pixel's taps are one
// chain of dependent FMAs, so a core needs about eight chains in flight to
// keep its FMA units busy.
constexpr int kPixelsAtOnce = 8;

// `count` (at most kPixelsAtOnce) output pixels of one channel block: p[ky]
// is input row ky of the first pixel's window at its first column and the
// block's channel, `step` the distance between windows, `tap_step` between
// taps in a row. Forced inline so that it takes the vector width of the
// target_clones clone that calls it; -O2 leaves loops rolled, which would
// keep w and acc in memory, so they are unrolled.
template <class V, int KH, int KW, int kCount>
__attribute__((always_inline)) inline void pixels(const float* const* p, const V* w, V bias, V lo, V hi, int64_t step,
                                                  int64_t tap_step, float* out, int64_t out_step) {
  V acc[kCount];
#pragma GCC unroll 8
  for (int x = 0; x < kCount; ++x) acc[x] = bias;
#pragma GCC unroll 5
  for (int ky = 0; ky < KH; ++ky)
#pragma GCC unroll 5
    for (int kx = 0; kx < KW; ++kx)
#pragma GCC unroll 8
      for (int x = 0; x < kCount; ++x) acc[x] += w[ky * KW + kx] * load_lanes<V>(p[ky] + x * step + kx * tap_step);
#pragma GCC unroll 8
  for (int x = 0; x < kCount; ++x) store_lanes<V>(out + x * out_step, clamp(acc[x], lo, hi));
}

// Output row `oy` for a KH x KW window, all channel blocks. rows[ky] is
// input row ky of the row's windows at column 0, channel 0, or `zeros` (a
// row of zeros) where the window reaches into the top or bottom padding.
// The interior goes kPixelsAtOnce columns at a time, every channel block of
// those columns before the next columns, so that their input stays in L1
// while each block's weights are loaded once per group.
template <class V, int KH, int KW>
__attribute__((always_inline)) inline void fixed_window_row(const DepthwiseGeometry& g, const float* const* rows,
                                                            const float* taps, const float* bias,
                                                            const float* zeros, int64_t interior_begin,
                                                            int64_t interior_end, float* out) {
  const int64_t c = g.channels, step = g.stride_w * c, tap_step = g.dilation_w * c;
  const V lo = V{} + g.out_min, hi = V{} + g.out_max;
  V w[KH * KW];
  auto load_weights = [&](int64_t block) {
#pragma GCC unroll 25
    for (int t = 0; t < KH * KW; ++t) w[t] = load_lanes<V>(taps + t * c + block);
  };
  // A column whose window reaches into the left or right padding reads
  // zeros for the taps there.
  auto edge = [&](int64_t ox) {
    for (int64_t block = 0; block < c; block += kLanesOf<V>) {
      load_weights(block);
      V acc = load_lanes<V>(bias + block);
#pragma GCC unroll 5
      for (int kx = 0; kx < KW; ++kx) {
        const int64_t ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
        const bool inside = ix >= 0 && ix < g.in_w;
#pragma GCC unroll 5
        for (int ky = 0; ky < KH; ++ky)
          acc += w[ky * KW + kx] * load_lanes<V>(inside ? rows[ky] + ix * c + block : zeros);
      }
      store_lanes<V>(out + ox * c + block, clamp(acc, lo, hi));
    }
  };
  for (int64_t ox = 0; ox < interior_begin; ++ox) edge(ox);
  int64_t ox = interior_begin;
  for (; ox < interior_end; ox += kPixelsAtOnce) {
    const int64_t count = std::min<int64_t>(kPixelsAtOnce, interior_end - ox);
    for (int64_t block = 0; block < c; block += kLanesOf<V>) {
      load_weights(block);
      const float* p[KH];
#pragma GCC unroll 5
      for (int ky = 0; ky < KH; ++ky) p[ky] = rows[ky] + (ox * g.stride_w - g.pad_left) * c + block;
      const V b = load_lanes<V>(bias + block);
      float* o = out + ox * c + block;
      if (count == kPixelsAtOnce) {
        pixels<V, KH, KW, kPixelsAtOnce>(p, w, b, lo, hi, step, tap_step, o, c);
        continue;
      }
      for (int64_t x = 0; x < count; ++x) {
        pixels<V, KH, KW, 1>(p, w, b, lo, hi, step, tap_step, o, c);
#pragma GCC unroll 5
        for (int ky = 0; ky < KH; ++ky) p[ky] += step;
        o += c;
      }
    }
  }
  for (ox = interior_end; ox < g.out_w; ++ox) edge(ox);
}

// Output row `oy` of batch `image` into `out`: 3x3 and 5x5 windows
// (MobileNets, EfficientNets) through fixed_window_row, any other through
// border_pixel; V's lanes of channels at a time.
template <class V>
__attribute__((always_inline)) inline void any_window_row(const DepthwiseGeometry& g, const float* taps,
                                                          const float* bias, const float* zeros,
                                                          int64_t interior_begin, int64_t interior_end,
                                                          const float* image, int64_t oy, float* out) {
  const int64_t c = g.channels;
  const bool k3 = g.kernel_h == 3 && g.kernel_w == 3, k5 = g.kernel_h == 5 && g.kernel_w == 5;
  if (!k3 && !k5) {
    const V lo = V{} + g.out_min, hi = V{} + g.out_max;
    for (int64_t ox = 0; ox < g.out_w; ++ox)
      for (int64_t block = 0; block < c; block += kLanesOf<V>)
        store_lanes<V>(out + ox * c + block,
                       clamp(border_pixel(g, image + block, taps + block, load_lanes<V>(bias + block), oy, ox), lo,
                             hi));
    return;
  }
  const float* rows[5];
  for (int64_t ky = 0; ky < g.kernel_h; ++ky) {
    const int64_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
    rows[ky] = iy >= 0 && iy < g.in_h ? image + iy * g.in_w * c : zeros;
  }
  if (k3)
    fixed_window_row<V, 3, 3>(g, rows, taps, bias, zeros, interior_begin, interior_end, out);
  else
    fixed_window_row<V, 5, 5>(g, rows, taps, bias, zeros, interior_begin, interior_end, out);
}

// One output row, eight channels a vector, on the best of AVX2 (with 16
// registers), SSE, or AVX-512 (32 registers) where the channels do not
// come in sixteens.
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
void output_row(const DepthwiseGeometry& g, const float* taps, const float* bias, const float* zeros,
                int64_t interior_begin, int64_t interior_end, const float* image, int64_t oy, float* out) {
  any_window_row<Floats8>(g, taps, bias, zeros, interior_begin, interior_end, image, oy, out);
}

// The same sixteen channels a vector, for AVX-512 CPUs when the channels
// come in sixteens: half the instructions per output (the same sums, lane
// by lane).
__attribute__((target("arch=x86-64-v4")))
void output_row_avx512(const DepthwiseGeometry& g, const float* taps, const float* bias, const float* zeros,
                       int64_t interior_begin, int64_t interior_end, const float* image, int64_t oy, float* out) {
  any_window_row<Floats16>(g, taps, bias, zeros, interior_begin, interior_end, image, oy, out);
}

}  // namespace

FloatDepthwiseConv::FloatDepthwiseConv(const DepthwiseGeometry& geometry, const float* weights, const float* bias)
    : g_(geometry) {
  const int64_t taps = g_.kernel_h * g_.kernel_w, c = g_.channels;
  taps_.resize(static_cast<size_t>(taps * c));
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t t = 0; t < taps; ++t) taps_[t * c + ch] = weights[ch * taps + t];
  bias_.assign(static_cast<size_t>(c), 0.0f);
  zeros_.assign(static_cast<size_t>(g_.in_w * c), 0.0f);
  if (bias) std::copy(bias, bias + c, bias_.begin());
  // Column ox's window spans input columns [ox*sw - pl, ox*sw - pl + (KW-1)*dw].
  const int64_t span = (g_.kernel_w - 1) * g_.dilation_w;
  interior_begin_ = std::min(g_.out_w, (g_.pad_left + g_.stride_w - 1) / g_.stride_w);
  interior_end_ = g_.in_w - 1 - span + g_.pad_left < 0 ? 0 : (g_.in_w - 1 - span + g_.pad_left) / g_.stride_w + 1;
  interior_end_ = std::max(interior_begin_, std::min(interior_end_, g_.out_w));
  sixteens_ = g_.channels % 16 == 0 && __builtin_cpu_supports("x86-64-v4");
}

void FloatDepthwiseConv::run_rows(const float* input, float* output, int64_t first, int64_t count) const {
  const int64_t image_size = g_.in_h * g_.in_w * g_.channels, row_size = g_.out_w * g_.channels;
  const auto row = sixteens_ ? output_row_avx512 : output_row;
  for (int64_t r = first; r < first + count; ++r)
    row(g_, taps_.data(), bias_.data(), zeros_.data(), interior_begin_, interior_end_,
        input + (r / g_.out_h) * image_size, r % g_.out_h, output + r * row_size);
}

}  // namespace octet
