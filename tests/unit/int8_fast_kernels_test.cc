// The fast int8 kernels against the reference kernels they stand in for:
// identical int8 outputs on seeded random shapes and parameters, with
// extreme codes that push every product and sum to its largest magnitude.
//   conv2d_depthwise  vs conv2d (groups == channels): multipliers, strides,
//                     dilations, asymmetric padding, batches, channel counts
//                     off the vector block;
//   conv2d_gemm       vs conv2d: several tiles, pointwise with groups, and
//                     its int16 product against a naive loop;
//   fully_connected_fast vs fully_connected: weight zero points, per channel;
//   max_pool_fast     vs max_pool: padding, windows past the input;
//   add/sub/mul_fast  vs add/sub/mul: broadcasts and activations.
//   random sweeps     conv2d_depthwise and conv2d_gemm on seeded random
//                     shapes, windows, zero points and multipliers (tiny to
//                     above 1: right and left shifts).
// Every comparison runs on the fast kernels' portable code and on their
// AVX2 code (on a CPU without AVX2, the portable code twice). A last test
// checks a wrong kernel is caught.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <utility>
#include <iterator>
#include <random>
#include <vector>

#include "graph/tensor.h"
#include "runtime/int8/binary_fast.h"
#include "runtime/int8/conv2d_depthwise.h"
#include "runtime/int8/conv2d_gemm.h"
#include "runtime/int8/fully_connected_fast.h"
#include "runtime/int8/gemm_int16.h"
#include "runtime/int8/kernel_choice.h"
#include "runtime/int8/pooling_fast.h"

namespace octet::int8 {
namespace {

// Runs `check` on the fast kernels' portable code, then on their AVX2 code.
template <typename Check>
void on_both_codes(Check check) {
  for (const bool avx2 : {false, true}) {
    const Avx2ChoiceScope choice(avx2);
    SCOPED_TRACE(avx2 ? "AVX2 code" : "portable code");
    check();
  }
}

std::vector<int8_t> random_codes(std::mt19937& rng, int64_t n, int low = -128, int high = 127) {
  std::uniform_int_distribution<int> code(low, high);
  std::vector<int8_t> v(n);
  for (int8_t& x : v) x = static_cast<int8_t>(code(rng));
  return v;
}

std::vector<float> random_scales(std::mt19937& rng, int n, float low, float high) {
  std::uniform_real_distribution<float> scale(low, high);
  std::vector<float> v(n);
  for (float& s : v) s = scale(rng);
  return v;
}

std::vector<int32_t> random_bias(std::mt19937& rng, int n) {
  std::uniform_int_distribution<int32_t> bias(-20000, 20000);
  std::vector<int32_t> v(n);
  for (int32_t& b : v) b = bias(rng);
  return v;
}

int out_extent(int in, int filter, int stride, int dilation, int pad_before, int pad_after) {
  return (in + pad_before + pad_after - dilation * (filter - 1) - 1) / stride + 1;
}

// A convolution case: groups == input channels makes it depthwise, with
// out_c = channels * multiplier.
struct ConvCase {
  Nhwc input;
  int out_c, groups, filter_h, filter_w, stride, dilation, pad_top, pad_left, pad_bottom, pad_right;
  Activation activation;
  bool extreme;  // inputs near -128 at zero point 127, filters near 127: the largest products
};

// The quantization of a convolution case: filter scales are drawn per
// channel from [filter_low, filter_high].
struct ConvQuantization {
  Affine input;
  float filter_low, filter_high;
  Affine output;
};

// Multipliers from about 2^-13 to 2^-4 (right shifts of several sizes);
// extreme cases put the input zero point at 127.
ConvQuantization usual_quantization(bool extreme) {
  return {{0.02f, extreme ? 127 : 3}, 0.0005f, 0.05f, {extreme ? 4.f : 0.1f, -7}};
}

using ConvKernel = void (*)(const Conv2DParams&, const int8_t*, const int8_t*, const int32_t*, int8_t*);

// The output of `fast` and of the reference conv2d on one random case.
void expect_conv_same_as_reference(const ConvCase& c, uint32_t seed, ConvKernel fast,
                                   const ConvQuantization& quantization) {
  std::mt19937 rng(seed);
  Window2D w;
  w.filter_h = c.filter_h;
  w.filter_w = c.filter_w;
  w.stride_h = w.stride_w = c.stride;
  w.dilation_h = w.dilation_w = c.dilation;
  w.pad_top = c.pad_top;
  w.pad_left = c.pad_left;
  const Nhwc out{c.input.n, out_extent(c.input.h, c.filter_h, c.stride, c.dilation, c.pad_top, c.pad_bottom),
                 out_extent(c.input.w, c.filter_w, c.stride, c.dilation, c.pad_left, c.pad_right), c.out_c};
  const int64_t filter_size = int64_t{c.out_c} * c.filter_h * c.filter_w * (c.input.c / c.groups);
  const std::vector<int8_t> input = c.extreme ? random_codes(rng, c.input.size(), -128, -120)
                                              : random_codes(rng, c.input.size());
  const std::vector<int8_t> filter = c.extreme ? random_codes(rng, filter_size, 120, 127)
                                               : random_codes(rng, filter_size);
  const std::vector<int32_t> bias = random_bias(rng, c.out_c);
  const std::vector<float> filter_scales =
      random_scales(rng, c.out_c, quantization.filter_low, quantization.filter_high);
  const Conv2DParams p = prepare_conv2d(c.input, out, w, c.groups, quantization.input, filter_scales,
                                        quantization.output, c.activation);
  std::vector<int8_t> want(out.size()), got(out.size(), 0x55);
  conv2d(p, input.data(), filter.data(), bias.data(), want.data());
  fast(p, input.data(), filter.data(), bias.data(), got.data());
  ASSERT_EQ(want, got);
}

TEST(Int8FastDepthwise, MatchesTheReferenceBitForBit) {
  const Activation none = Activation::None, relu6 = Activation::Relu6;
  const ConvCase cases[] = {
      {{1, 9, 11, 16}, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, relu6, false},   // MobileNet 3x3, same padding
      {{1, 10, 10, 24}, 24, 24, 3, 3, 2, 1, 0, 0, 1, 1, none, false},   // stride 2, SAME's bottom/right pad
      {{2, 7, 6, 13}, 13, 13, 3, 3, 1, 1, 1, 1, 1, 1, none, false},     // batch 2, 13 channels: a tail
      {{1, 8, 8, 3}, 6, 3, 3, 3, 1, 1, 1, 1, 1, 1, none, false},        // depth multiplier 2
      {{1, 6, 7, 5}, 15, 5, 3, 2, 2, 1, 2, 0, 0, 3, relu6, false},      // multiplier 3, 3x2, odd pads
      {{1, 12, 12, 8}, 8, 8, 3, 3, 1, 2, 2, 2, 2, 2, none, false},      // dilation 2
      {{1, 9, 9, 40}, 40, 40, 5, 5, 2, 1, 2, 2, 2, 2, none, false},     // 5x5
      {{1, 4, 4, 1}, 4, 1, 1, 1, 1, 1, 0, 0, 0, 0, none, false},        // one channel, 1x1
      {{1, 6, 6, 32}, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1, none, true},      // largest products
      {{1, 3, 3, 8}, 8, 8, 3, 3, 1, 1, 2, 2, 2, 2, none, false},        // padding beyond the input
  };
  // Forward and backward: the kernel's reused buffers must not leak one
  // shape's values into the next one's zero border.
  const int n = static_cast<int>(std::size(cases));
  on_both_codes([&] {
    for (int i = 0; i < 2 * n; ++i) {
      const ConvCase& c = cases[i < n ? i : 2 * n - 1 - i];
      expect_conv_same_as_reference(c, 100 + i, conv2d_depthwise, usual_quantization(c.extreme));
    }
  });
}

TEST(Int8FastConvGemm, TiledOutputStageMatchesTheReference) {
  const ConvCase cases[] = {
      {{1, 64, 64, 8}, 300, 1, 1, 1, 1, 1, 0, 0, 0, 0, Activation::Relu6, false},  // pointwise, several tiles
      {{1, 40, 40, 16}, 12, 2, 1, 1, 1, 1, 0, 0, 0, 0, Activation::None, false},   // pointwise, two groups
      {{1, 50, 50, 8}, 270, 1, 3, 3, 2, 1, 1, 1, 1, 1, Activation::None, false},   // im2col, several tiles
      {{2, 9, 9, 600}, 9, 1, 1, 1, 1, 1, 0, 0, 0, 0, Activation::None, true},      // two slices, largest sums
  };
  on_both_codes([&] {
    uint32_t seed = 200;
    for (const ConvCase& c : cases) expect_conv_same_as_reference(c, seed++, conv2d_gemm, usual_quantization(c.extreme));
  });
}

// A random convolution case: depthwise (groups == input channels, with a
// depth multiplier) or not (1, 2 or 3 groups), every window parameter and
// zero point drawn, and the output scale drawn over 2^-14 to 2^10, so that
// the multipliers run from about 2^-27 (large right shifts) to above 1 (left
// shifts).
std::pair<ConvCase, ConvQuantization> random_conv_case(std::mt19937& rng, bool depthwise) {
  const auto draw = [&rng](int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng); };
  ConvCase c;
  c.groups = depthwise ? draw(1, 40) : std::array<int, 3>{1, 2, 3}[draw(0, 2)];
  c.input = {draw(1, 2), 0, 0, depthwise ? c.groups : c.groups * draw(1, 20)};
  c.out_c = c.groups * (depthwise ? draw(1, 3) : draw(1, 24));
  c.filter_h = draw(1, 5);
  c.filter_w = draw(1, 5);
  c.stride = draw(1, 3);
  c.dilation = draw(1, 2);
  c.pad_top = draw(0, 2);
  c.pad_left = draw(0, 2);
  c.pad_bottom = draw(0, 2);
  c.pad_right = draw(0, 2);
  // At least one output pixel.
  c.input.h = std::max(draw(1, 14), c.dilation * (c.filter_h - 1) + 1 - c.pad_top - c.pad_bottom);
  c.input.w = std::max(draw(1, 14), c.dilation * (c.filter_w - 1) + 1 - c.pad_left - c.pad_right);
  c.activation = std::array<Activation, 3>{Activation::None, Activation::Relu, Activation::Relu6}[draw(0, 2)];
  c.extreme = draw(0, 3) == 0;
  const float output_scale = std::ldexp(1.f, draw(-14, 10)) * (1.f + 0.01f * static_cast<float>(draw(0, 99)));
  const ConvQuantization q{{0.02f, c.extreme ? 127 : draw(-128, 127)}, 0.0005f, 0.05f, {output_scale, draw(-128, 127)}};
  return {c, q};
}

TEST(Int8FastConv, RandomShapesMatchTheReference) {
  on_both_codes([] {
    std::mt19937 rng(900);
    for (int i = 0; i < 120; ++i) {
      const bool depthwise = i % 2 == 0;
      const auto [c, q] = random_conv_case(rng, depthwise);
      SCOPED_TRACE(::testing::Message() << "case " << i << ": " << c.input.n << "x" << c.input.h << "x" << c.input.w
                                        << "x" << c.input.c << " -> " << c.out_c << ", groups " << c.groups << ", "
                                        << c.filter_h << "x" << c.filter_w << " stride " << c.stride << " dilation "
                                        << c.dilation << ", output scale " << q.output.scale);
      expect_conv_same_as_reference(c, 1000 + i, depthwise ? conv2d_depthwise : conv2d_gemm, q);
    }
  });
}

// The int16 product against a naive loop: shapes off every block (rows off
// the 6-row tile, columns off the 16-column block, odd depths).
void check_int16_product() {
  std::mt19937 rng(500);
  for (const auto& [rows, cols, patch] :
       {std::array<int64_t, 3>{1, 1, 16}, std::array<int64_t, 3>{7, 9, 48}, std::array<int64_t, 3>{4, 8, 1024},
        std::array<int64_t, 3>{3, 5, 16}, std::array<int64_t, 3>{13, 33, 27}, std::array<int64_t, 3>{6, 16, 1},
        std::array<int64_t, 3>{20, 47, 149}}) {
    // Centered activations and weights at their extremes half of the time.
    std::uniform_int_distribution<int> activation(-255, 255), weight(-128, 127), extreme(0, 1);
    std::vector<int8_t> b(cols * patch);
    for (int8_t& v : b) v = static_cast<int8_t>(extreme(rng) ? -128 : weight(rng));
    GemmWeights weights;
    weights.pack(b.data(), cols, patch);
    const int64_t depth = weights.depth();
    ASSERT_GE(depth, patch);
    std::vector<int16_t> a(rows * depth, 0);  // rows padded with zeros past the patch
    for (int64_t m = 0; m < rows; ++m)
      for (int64_t k = 0; k < patch; ++k) a[m * depth + k] = static_cast<int16_t>(extreme(rng) ? -255 : activation(rng));
    const int64_t stride = cols + 3;
    std::vector<int32_t> c(rows * stride, 77);
    weights.multiply(a.data(), rows, c.data(), stride);
    for (int64_t m = 0; m < rows; ++m) {
      for (int64_t n = 0; n < stride; ++n) {
        int64_t want = 77;  // columns beyond `cols` untouched
        if (n < cols) {
          want = 0;
          for (int64_t k = 0; k < patch; ++k) want += int64_t{a[m * depth + k]} * b[n * patch + k];
        }
        ASSERT_EQ(c[m * stride + n], want) << rows << "x" << cols << "x" << patch << " at " << m << "," << n;
      }
    }
  }
}

TEST(Int8FastGemm, Int16ProductMatchesANaiveLoop) { on_both_codes(check_int16_product); }

struct FullyConnectedCase {
  int batches, depth, outputs;
  bool per_channel;
  int32_t filter_zero_point;
  bool extreme;
};

TEST(Int8FastFullyConnected, MatchesTheReferenceBitForBit) {
  const FullyConnectedCase cases[] = {
      {1, 1280, 1000, false, 0, false},  // MobileNet's classifier
      {3, 37, 10, true, 0, false},       // per channel, depth off the block
      {2, 100, 7, false, -5, false},     // weights zero point
      {1, 5, 3, false, 127, false},      // depth below one block
      {1, 700, 9, false, 0, true},       // largest products
  };
  on_both_codes([&] {
    uint32_t seed = 300;
    for (const FullyConnectedCase& c : cases) {
      std::mt19937 rng(seed++);
      const std::vector<int8_t> input = c.extreme ? random_codes(rng, int64_t{c.batches} * c.depth, -128, -120)
                                                  : random_codes(rng, int64_t{c.batches} * c.depth);
      const std::vector<int8_t> filter = c.extreme ? random_codes(rng, int64_t{c.outputs} * c.depth, 120, 127)
                                                   : random_codes(rng, int64_t{c.outputs} * c.depth);
      const std::vector<int32_t> bias = random_bias(rng, c.outputs);
      const std::vector<float> scales = random_scales(rng, c.per_channel ? c.outputs : 1, 0.001f, 0.01f);
      const FullyConnectedParams p =
          prepare_fully_connected(c.batches, c.depth, c.outputs, {0.02f, c.extreme ? 127 : -9}, scales,
                                  c.filter_zero_point, {c.extreme ? 8.f : 0.3f, 4}, Activation::Relu);
      std::vector<int8_t> want(int64_t{c.batches} * c.outputs), got(want.size(), 0x55);
      fully_connected(p, input.data(), filter.data(), bias.data(), want.data());
      fully_connected_fast(p, input.data(), filter.data(), bias.data(), got.data());
      ASSERT_EQ(want, got) << c.batches << "x" << c.depth << " -> " << c.outputs;
    }
  });
}

struct PoolCase {
  Nhwc input;
  int filter_h, filter_w, stride, pad_top, pad_left, pad_bottom, pad_right;
  Activation activation;
};

TEST(Int8FastMaxPool, MatchesTheReferenceBitForBit) {
  const PoolCase cases[] = {
      {{1, 55, 55, 96}, 3, 3, 2, 0, 0, 0, 0, Activation::None},  // SqueezeNet's
      {{2, 9, 8, 13}, 2, 2, 2, 0, 0, 1, 0, Activation::Relu6},   // batch 2, a tail, SAME's padding
      {{1, 6, 6, 8}, 3, 2, 1, 1, 1, 1, 1, Activation::Relu},
      {{1, 3, 3, 20}, 5, 5, 1, 2, 2, 2, 2, Activation::None},    // windows wider than the input
  };
  on_both_codes([&] {
    uint32_t seed = 600;
    for (const PoolCase& c : cases) {
      std::mt19937 rng(seed++);
      Window2D w;
      w.filter_h = c.filter_h;
      w.filter_w = c.filter_w;
      w.stride_h = w.stride_w = c.stride;
      w.pad_top = c.pad_top;
      w.pad_left = c.pad_left;
      const Nhwc out{c.input.n, out_extent(c.input.h, c.filter_h, c.stride, 1, c.pad_top, c.pad_bottom),
                     out_extent(c.input.w, c.filter_w, c.stride, 1, c.pad_left, c.pad_right), c.input.c};
      const std::vector<int8_t> input = random_codes(rng, c.input.size());
      const PoolParams p = prepare_max_pool(c.input, out, w, {0.05f, -3}, {0.05f, -3}, c.activation);
      std::vector<int8_t> want(out.size()), got(out.size(), 0x55);
      max_pool(p, input.data(), want.data());
      max_pool_fast(p, input.data(), got.data());
      ASSERT_EQ(want, got) << c.input.h << "x" << c.input.w << "x" << c.input.c;
    }
  });
}

struct BinaryCase {
  std::vector<int64_t> a, b;
  Activation activation;
};

TEST(Int8FastBinary, AddSubMulMatchTheReferenceBitForBit) {
  const BinaryCase cases[] = {
      {{1, 28, 28, 32}, {1, 28, 28, 32}, Activation::None},  // MobileNet's residual add
      {{2, 5, 1, 7}, {1, 1, 6, 7}, Activation::Relu},        // both sides broadcast
      {{3, 1}, {1, 9}, Activation::Relu6},
      {{1, 4, 4, 13}, {13}, Activation::None},                // per-channel row
  };
  on_both_codes([&] {
    uint32_t seed = 400;
    for (const BinaryCase& c : cases) {
      std::mt19937 rng(seed++);
      const Broadcast4D shape = prepare_broadcast_4d(c.a, c.b);
      const std::vector<int8_t> a = random_codes(rng, element_count(c.a)), b = random_codes(rng, element_count(c.b));
      const std::vector<float> s = random_scales(rng, 3, 0.01f, 0.2f);
      const Affine qa{s[0], -20}, qb{s[1], 33}, qy{s[2], 5};
      std::vector<int8_t> want(shape.output_size()), got(want.size(), 0x55);
      add(prepare_add(qa, qb, qy, c.activation), shape, a.data(), b.data(), want.data());
      add_fast(prepare_add(qa, qb, qy, c.activation), shape, a.data(), b.data(), got.data());
      ASSERT_EQ(want, got) << "ADD";
      sub(prepare_sub(qa, qb, qy, c.activation), shape, a.data(), b.data(), want.data());
      sub_fast(prepare_sub(qa, qb, qy, c.activation), shape, a.data(), b.data(), got.data());
      ASSERT_EQ(want, got) << "SUB";
      mul(prepare_mul(qa, qb, qy, c.activation), shape, a.data(), b.data(), want.data());
      mul_fast(prepare_mul(qa, qb, qy, c.activation), shape, a.data(), b.data(), got.data());
      ASSERT_EQ(want, got) << "MUL";
    }
  });
}

// The comparison catches a wrong kernel: depthwise with the input zero point
// off by one.
void compare_a_wrong_depthwise_kernel() {
  const ConvCase c{{1, 6, 6, 16}, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, Activation::None, false};
  expect_conv_same_as_reference(c, 1, [](const Conv2DParams& p, const int8_t* input, const int8_t* filter,
                                         const int32_t* bias, int8_t* output) {
    Conv2DParams off_by_one = p;
    off_by_one.input_offset += 1;
    conv2d_depthwise(off_by_one, input, filter, bias, output);
  }, usual_quantization(false));
}

TEST(Int8FastDepthwise, AWrongKernelIsCaught) {
  EXPECT_FATAL_FAILURE(compare_a_wrong_depthwise_kernel(), "want");
}

}  // namespace
}  // namespace octet::int8
