#include "runtime/float_depthwise.h"

#include <algorithm>

#include "runtime/float_lanes.h"

namespace octet {
namespace {

// max then min, as XNNPACK and the reference kernels clamp (a NaN stays NaN).
inline Floats8 clamp(Floats8 v, Floats8 lo, Floats8 hi) {
  v = v < lo ? lo : v;
  return v > hi ? hi : v;
}

// One output pixel of one channel block, any window, taps that fall in the
// padding skipped: the border pixels. `image` is the pixel's batch at the
// block's first channel, `taps` the packed weights at the same channel.
inline Floats8 border_pixel(const DepthwiseGeometry& g, const float* image, const float* taps, Floats8 bias,
                            int64_t oy, int64_t ox) {
  Floats8 acc = bias;
  for (int64_t ky = 0; ky < g.kernel_h; ++ky) {
    const int64_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
    if (iy < 0 || iy >= g.in_h) continue;
    for (int64_t kx = 0; kx < g.kernel_w; ++kx) {
      const int64_t ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
      if (ix < 0 || ix >= g.in_w) continue;
      acc += load8(taps + (ky * g.kernel_w + kx) * g.channels) * load8(image + (iy * g.in_w + ix) * g.channels);
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
template <int KH, int KW, int kCount>
__attribute__((always_inline)) inline void pixels(const float* const* p, const Floats8* w, Floats8 bias, Floats8 lo,
                                                  Floats8 hi, int64_t step, int64_t tap_step, float* out,
                                                  int64_t out_step) {
  Floats8 acc[kCount];
#pragma GCC unroll 8
  for (int x = 0; x < kCount; ++x) acc[x] = bias;
#pragma GCC unroll 5
  for (int ky = 0; ky < KH; ++ky)
#pragma GCC unroll 5
    for (int kx = 0; kx < KW; ++kx)
#pragma GCC unroll 8
      for (int x = 0; x < kCount; ++x) acc[x] += w[ky * KW + kx] * load8(p[ky] + x * step + kx * tap_step);
#pragma GCC unroll 8
  for (int x = 0; x < kCount; ++x) store8(out + x * out_step, clamp(acc[x], lo, hi));
}

// Output row `oy` for a KH x KW window, all channel blocks. rows[ky] is
// input row ky of the row's windows at column 0, channel 0, or `zeros` (a
// row of zeros) where the window reaches into the top or bottom padding.
// The interior goes kPixelsAtOnce columns at a time, every channel block of
// those columns before the next columns, so that their input stays in L1
// while each block's weights are loaded once per group.
template <int KH, int KW>
__attribute__((always_inline)) inline void fixed_window_row(const DepthwiseGeometry& g, const float* const* rows,
                                                            const float* taps, const float* bias,
                                                            const float* zeros, int64_t interior_begin,
                                                            int64_t interior_end, float* out) {
  const int64_t c = g.channels, step = g.stride_w * c, tap_step = g.dilation_w * c;
  const Floats8 lo = Floats8{} + g.out_min, hi = Floats8{} + g.out_max;
  Floats8 w[KH * KW];
  auto load_weights = [&](int64_t block) {
#pragma GCC unroll 25
    for (int t = 0; t < KH * KW; ++t) w[t] = load8(taps + t * c + block);
  };
  // A column whose window reaches into the left or right padding reads
  // zeros for the taps there.
  auto edge = [&](int64_t ox) {
    for (int64_t block = 0; block < c; block += FloatDepthwiseConv::kLanes) {
      load_weights(block);
      Floats8 acc = load8(bias + block);
#pragma GCC unroll 5
      for (int kx = 0; kx < KW; ++kx) {
        const int64_t ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
        const bool inside = ix >= 0 && ix < g.in_w;
#pragma GCC unroll 5
        for (int ky = 0; ky < KH; ++ky)
          acc += w[ky * KW + kx] * load8(inside ? rows[ky] + ix * c + block : zeros);
      }
      store8(out + ox * c + block, clamp(acc, lo, hi));
    }
  };
  for (int64_t ox = 0; ox < interior_begin; ++ox) edge(ox);
  int64_t ox = interior_begin;
  for (; ox < interior_end; ox += kPixelsAtOnce) {
    const int64_t count = std::min<int64_t>(kPixelsAtOnce, interior_end - ox);
    for (int64_t block = 0; block < c; block += FloatDepthwiseConv::kLanes) {
      load_weights(block);
      const float* p[KH];
#pragma GCC unroll 5
      for (int ky = 0; ky < KH; ++ky) p[ky] = rows[ky] + (ox * g.stride_w - g.pad_left) * c + block;
      const Floats8 b = load8(bias + block);
      float* o = out + ox * c + block;
      if (count == kPixelsAtOnce) {
        pixels<KH, KW, kPixelsAtOnce>(p, w, b, lo, hi, step, tap_step, o, c);
        continue;
      }
      for (int64_t x = 0; x < count; ++x) {
        pixels<KH, KW, 1>(p, w, b, lo, hi, step, tap_step, o, c);
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
// border_pixel.
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
void output_row(const DepthwiseGeometry& g, const float* taps, const float* bias, const float* zeros,
                int64_t interior_begin, int64_t interior_end, const float* image, int64_t oy, float* out) {
  const int64_t c = g.channels;
  const bool k3 = g.kernel_h == 3 && g.kernel_w == 3, k5 = g.kernel_h == 5 && g.kernel_w == 5;
  if (!k3 && !k5) {
    const Floats8 lo = Floats8{} + g.out_min, hi = Floats8{} + g.out_max;
    for (int64_t ox = 0; ox < g.out_w; ++ox)
      for (int64_t block = 0; block < c; block += FloatDepthwiseConv::kLanes)
        store8(out + ox * c + block,
               clamp(border_pixel(g, image + block, taps + block, load8(bias + block), oy, ox), lo, hi));
    return;
  }
  const float* rows[5];
  for (int64_t ky = 0; ky < g.kernel_h; ++ky) {
    const int64_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
    rows[ky] = iy >= 0 && iy < g.in_h ? image + iy * g.in_w * c : zeros;
  }
  if (k3)
    fixed_window_row<3, 3>(g, rows, taps, bias, zeros, interior_begin, interior_end, out);
  else
    fixed_window_row<5, 5>(g, rows, taps, bias, zeros, interior_begin, interior_end, out);
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
}

void FloatDepthwiseConv::run_rows(const float* input, float* output, int64_t first, int64_t count) const {
  const int64_t image_size = g_.in_h * g_.in_w * g_.channels, row_size = g_.out_w * g_.channels;
  for (int64_t r = first; r < first + count; ++r)
    output_row(g_, taps_.data(), bias_.data(), zeros_.data(), interior_begin_, interior_end_,
               input + (r / g_.out_h) * image_size,
               r % g_.out_h, output + r * row_size);
}

}  // namespace octet
