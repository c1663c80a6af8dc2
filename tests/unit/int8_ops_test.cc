// The int8 paths of the ops' kernels, run by the Engine on quantized IR graphs.
//
// Truth that does not come from the int8 kernels: each op also runs as a float
// graph (its "twin") on the dequantized values of the very same int8 inputs,
// weights and biases, so the only difference left is the int8 arithmetic. The
// int8 result must lie within `steps` quantization steps of the float result
// quantized with the output's parameters (1 step: TFLite's double rounding
// may land one off; 2 where its fixed-point is coarser: softmax, bilinear
// weights, mean). Conv2D, FullyConnected and Add also have a case with int8
// values derived by hand, and a node with a missing quantization must fail
// naming the node.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "graph/error.h"
#include "ops/quantize.h"
#include "runtime/engine.h"
#include "test_graph.h"

namespace octet {
namespace {

using testing::add;
using testing::attrs_of;
using testing::seeded_values;
using Ints = std::vector<int64_t>;

QuantParams per_tensor(float scale, int64_t zero_point) { return {{scale}, {zero_point}, -1}; }

// int8 parameters covering [lo, hi] (widened to hold 0): 255 steps over the range.
QuantParams covering(float lo, float hi) {
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, 0.0f);
  const float scale = (hi - lo) / 255.0f;
  return per_tensor(scale, std::clamp<int64_t>(std::lround(-128.0f - lo / scale), -128, 127));
}

// Plain rounding to the nearest int8 code, saturated: the truth's quantizer.
int8_t quantize(float x, float scale, int64_t zero_point) {
  return static_cast<int8_t>(std::clamp<long>(std::lround(x / scale) + zero_point, -128, 127));
}

float dequantize(int64_t q, const QuantParams& p, size_t channel = 0) {
  return p.scales[channel] * static_cast<float>(q - p.zero_points[channel]);
}

// A float graph and its quantized twin, built in lockstep so that every tensor
// has the same id in both.
class Twins {
 public:
  // A runtime int8 input of seeded values in [lo, hi), quantized over that range.
  int input(const Shape& shape, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
    std::vector<float> values = seeded_values(element_count(shape), seed);
    for (float& v : values) v = lo + (v + 1.0f) / 2.0f * (hi - lo);
    const QuantParams quant = covering(lo, hi);
    std::vector<int8_t> codes;
    std::vector<float> real;
    for (float v : values) {
      codes.push_back(quantize(v, quant.scales[0], quant.zero_points[0]));
      real.push_back(dequantize(codes.back(), quant));
    }
    const std::string name = "in" + std::to_string(float_inputs_.size());
    const int id = float_.add_tensor(Tensor{name, DType::Float32, shape, nullptr, {}});
    int8_.add_tensor(Tensor{name, DType::Int8, shape, nullptr, quant});
    float_.inputs.push_back(id);
    int8_.inputs.push_back(id);
    float_inputs_.push_back(real);
    int8_inputs_.push_back(codes);
    return id;
  }

  // Constant int8 values with the given parameters (per-channel ones on axis 0).
  int int8_constant(const Shape& shape, const std::vector<int8_t>& codes, const QuantParams& quant) {
    const int64_t channel_size = element_count(shape) / shape[0];
    std::vector<float> real;
    for (size_t i = 0; i < codes.size(); ++i)
      real.push_back(dequantize(codes[i], quant, quant.scales.size() > 1 ? i / channel_size : 0));
    const int id = float_.add_tensor(make_constant<float>("c" + std::to_string(float_.tensors.size()), shape, real));
    Tensor t = make_constant<int8_t>(float_.tensor(id).name, shape, codes);
    t.quant = quant;
    int8_.add_tensor(std::move(t));
    return id;
  }

  // Symmetric int8 weights of seeded values, one scale per output channel
  // (axis 0) or one for all.
  int weights(const Shape& shape, uint32_t seed, bool per_channel) {
    const std::vector<float> values = seeded_values(element_count(shape), seed);
    const int64_t channels = per_channel ? shape[0] : 1, channel_size = element_count(shape) / channels;
    QuantParams quant{{}, {}, per_channel ? 0 : -1};
    std::vector<int8_t> codes;
    for (int64_t c = 0; c < channels; ++c) {
      float abs_max = 0;
      for (int64_t i = 0; i < channel_size; ++i) abs_max = std::max(abs_max, std::abs(values[c * channel_size + i]));
      quant.scales.push_back(abs_max / 127.0f);
      quant.zero_points.push_back(0);
      for (int64_t i = 0; i < channel_size; ++i)
        codes.push_back(quantize(values[c * channel_size + i], quant.scales.back(), 0));
    }
    return int8_constant(shape, codes, quant);
  }

  // An int32 bias of seeded values in [-0.5, 0.5) at input scale * weight scale.
  int bias(int64_t count, uint32_t seed, int input, int weights) {
    const QuantParams &x = int8_.tensor(input).quant, &w = int8_.tensor(weights).quant;
    QuantParams quant{{}, {}, w.axis};
    std::vector<int32_t> codes;
    std::vector<float> real;
    const std::vector<float> values = seeded_values(count, seed);
    for (int64_t c = 0; c < count; ++c) {
      const float scale = x.scales[0] * w.scales[w.scales.size() > 1 ? c : 0];
      if (c < static_cast<int64_t>(w.scales.size())) {
        quant.scales.push_back(scale);
        quant.zero_points.push_back(0);
      }
      codes.push_back(static_cast<int32_t>(std::lround(0.5f * values[c] / scale)));
      real.push_back(scale * static_cast<float>(codes.back()));
    }
    const int id = float_.add_tensor(make_constant<float>("b" + std::to_string(float_.tensors.size()), {count}, real));
    Tensor t = make_constant<int32_t>(float_.tensor(id).name, {count}, codes);
    t.quant = quant;
    int8_.add_tensor(std::move(t));
    return id;
  }

  // An int32 constant (e.g. indices), the same in both graphs.
  int int32_constant(const Shape& shape, const std::vector<int32_t>& values) {
    const std::string name = "i" + std::to_string(float_.tensors.size());
    const int id = float_.add_tensor(make_constant<int32_t>(name, shape, values));
    int8_.add_tensor(float_.tensor(id));
    return id;
  }

  const QuantParams& quant(int tensor) const { return int8_.tensor(tensor).quant; }

  // Adds the node to both graphs as their output. The quantized output gets
  // `output` parameters, or without them ones covering the float result.
  int op(OpKind kind, const std::string& name, std::vector<int> inputs, Attributes attrs = {},
         QuantParams output = {}) {
    const int y = add(float_, kind, name, inputs, attrs);
    EXPECT_EQ(add(int8_, kind, name, inputs, attrs), y);
    float_.outputs = int8_.outputs = {y};
    if (output.empty()) {
      const std::vector<float> result = run_float();
      const auto [lo, hi] = std::minmax_element(result.begin(), result.end());
      output = covering(*lo, *hi);
    }
    int8_.tensor(y).quant = output;
    return y;
  }

  std::vector<float> run_float() {
    std::vector<const void*> data;
    for (const auto& v : float_inputs_) data.push_back(v.data());
    Engine engine(float_);
    const TensorView out = engine.run(data)[0];
    return std::vector<float>(out.as<float>(), out.as<float>() + out.element_count());
  }

  std::vector<int8_t> run_int8() {
    std::vector<const void*> data;
    for (const auto& v : int8_inputs_) data.push_back(v.data());
    Engine engine(int8_);
    const TensorView out = engine.run(data)[0];
    EXPECT_EQ(out.dtype, DType::Int8);
    return std::vector<int8_t>(out.as<int8_t>(), out.as<int8_t>() + out.element_count());
  }

  // The int8 output against the float twin's, quantized like the output.
  void expect_within(int steps) {
    const std::vector<float> truth = run_float();
    const std::vector<int8_t> result = run_int8();
    const QuantParams& q = int8_.tensor(int8_.outputs[0]).quant;
    ASSERT_EQ(result.size(), truth.size());
    int worst = 0;
    for (size_t i = 0; i < truth.size(); ++i) {
      const int expected = quantize(truth[i], q.scales[0], q.zero_points[0]);
      worst = std::max(worst, std::abs(result[i] - expected));
      EXPECT_LE(std::abs(result[i] - expected), steps)
          << "element " << i << ": int8 " << int{result[i]} << ", float " << truth[i] << " -> " << expected;
    }
    ::testing::Test::RecordProperty("worst_steps", worst);
  }

  Graph& int8_graph() { return int8_; }

 private:
  Graph float_, int8_;
  std::vector<std::vector<float>> float_inputs_;
  std::vector<std::vector<int8_t>> int8_inputs_;
};

Attributes conv_attrs(Ints strides, Ints pads, int64_t group, const std::string& activation,
                      Ints dilations = {1, 1}) {
  return attrs_of({{"strides", strides}, {"dilations", dilations}, {"pads", pads}, {"group", group},
                   {"activation", activation}});
}

// ---- convolution and fully connected -------------------------------------------

TEST(Int8Ops, Conv2DPerChannelStridedPaddedRelu6) {
  Twins t;
  const int x = t.input({1, 7, 6, 3}, 1, -2.0f, 3.0f);
  const int w = t.weights({4, 3, 3, 3}, 2, true);
  t.op(OpKind::Conv2D, "conv", {x, w, t.bias(4, 3, x, w)}, conv_attrs({2, 1}, {1, 1, 1, 0}, 1, "relu6"));
  t.expect_within(1);
}

TEST(Int8Ops, Conv2DPerTensorDilatedWithoutBias) {
  Twins t;
  const int x = t.input({2, 6, 6, 2}, 4);
  t.op(OpKind::Conv2D, "conv", {x, t.weights({3, 2, 2, 2}, 5, false)},
       conv_attrs({1, 1}, {0, 0, 0, 0}, 1, "none", {2, 2}));
  t.expect_within(1);
}

TEST(Int8Ops, Conv2DGrouped) {
  Twins t;
  const int x = t.input({1, 5, 5, 4}, 6);
  const int w = t.weights({6, 3, 3, 2}, 7, true);
  t.op(OpKind::Conv2D, "conv", {x, w, t.bias(6, 8, x, w)}, conv_attrs({1, 1}, {1, 1, 1, 1}, 2, "relu"));
  t.expect_within(1);
}

TEST(Int8Ops, DepthwiseConv2DWithMultiplierTwo) {
  // group == C: the IR's depthwise form, weights [C*M, KH, KW, 1].
  Twins t;
  const int x = t.input({1, 6, 5, 3}, 9, -1.0f, 2.0f);
  const int w = t.weights({6, 3, 3, 1}, 10, true);
  t.op(OpKind::Conv2D, "depthwise", {x, w, t.bias(6, 11, x, w)}, conv_attrs({2, 2}, {1, 1, 1, 1}, 3, "none"));
  t.expect_within(1);
}

TEST(Int8Ops, Conv2DHandDerived) {
  // Input [1,2,2,1], scale 0.5, zero point -1: codes {1,3,-3,5} are x = {1,2,-1,3}.
  // Weights [2,2,2,1] per channel, scales {0.3125, 0.625}: w0 {1,2,3,-1}, w1 {-2,0,1,1}.
  // Bias codes {4,-3} at scales {0.15625, 0.3125}. Output scale 0.125, zero point 3.
  //   acc0 = 1*2 + 2*4 + 3*(-2) + (-1)*6 + 4 = 2   (q - zp = {2,4,-2,6})
  //   acc1 = -2*2 + 0*4 + 1*(-2) + 1*6 - 3 = -3
  // Multipliers 0.5*0.3125/0.125 = 1.25 and 0.5*0.625/0.125 = 2.5 (all exact):
  //   2 * 1.25 = 2.5 -> 3 and -3 * 2.5 = -7.5 -> -7 (TFLite's high multiply
  //   rounds ties towards +inf; plain rounding would give -8), + 3: {6, -4}.
  Graph g;
  const int x = g.add_tensor(Tensor{"x", DType::Int8, {1, 2, 2, 1}, nullptr, per_tensor(0.5f, -1)});
  g.inputs = {x};
  Tensor w = make_constant<int8_t>("w", {2, 2, 2, 1}, {1, 2, 3, -1, -2, 0, 1, 1});
  w.quant = {{0.3125f, 0.625f}, {0, 0}, 0};
  Tensor b = make_constant<int32_t>("b", {2}, {4, -3});
  b.quant = {{0.15625f, 0.3125f}, {0, 0}, 0};
  const int y = add(g, OpKind::Conv2D, "conv", {x, g.add_tensor(w), g.add_tensor(b)},
                    conv_attrs({1, 1}, {0, 0, 0, 0}, 1, "none"));
  g.tensor(y).quant = per_tensor(0.125f, 3);
  g.outputs = {y};
  const std::vector<int8_t> input{1, 3, -3, 5};
  Engine engine(g);
  const TensorView out = engine.run({input.data()})[0];
  EXPECT_EQ(std::vector<int8_t>(out.as<int8_t>(), out.as<int8_t>() + 2), (std::vector<int8_t>{6, -4}));
}

TEST(Int8Ops, FullyConnectedPerTensorAndPerChannel) {
  for (bool per_channel : {false, true}) {
    Twins t;
    const int x = t.input({3, 10}, 12, -1.5f, 1.0f);
    const int w = t.weights({5, 10}, 13, per_channel);
    t.op(OpKind::FullyConnected, "fc", {x, w, t.bias(5, 14, x, w)}, attrs_of({{"activation", std::string("relu")}}));
    t.expect_within(1);
  }
}

TEST(Int8Ops, FullyConnectedHandDerived) {
  // Input [1,3], scale 0.5, zero point 2: codes {4,0,6}, q - zp = {2,-2,4}.
  // Weights per tensor, scale 0.2, zero point 1: rows {3,1,-1} and {1,2,4},
  // w - zp = {2,0,-2} and {0,1,3}. Bias codes {1,-2} (scale 0.1).
  //   acc0 = 4 + 0 - 8 + 1 = -3;  acc1 = 0 - 2 + 12 - 2 = 8.
  // Multiplier float(0.5 * 0.2) / 0.25 = 0.4: -3 -> -1.2 -> -1, 8 -> 3.2 -> 3;
  // + zero point -1: {-2, 2}; relu clamps below at the zero point: {-1, 2}.
  Graph g;
  const int x = g.add_tensor(Tensor{"x", DType::Int8, {1, 3}, nullptr, per_tensor(0.5f, 2)});
  g.inputs = {x};
  Tensor w = make_constant<int8_t>("w", {2, 3}, {3, 1, -1, 1, 2, 4});
  w.quant = per_tensor(0.2f, 1);
  Tensor b = make_constant<int32_t>("b", {2}, {1, -2});
  b.quant = per_tensor(0.1f, 0);
  const int y = add(g, OpKind::FullyConnected, "fc", {x, g.add_tensor(w), g.add_tensor(b)},
                    attrs_of({{"activation", std::string("relu")}}));
  g.tensor(y).quant = per_tensor(0.25f, -1);
  g.outputs = {y};
  const std::vector<int8_t> input{4, 0, 6};
  Engine engine(g);
  const TensorView out = engine.run({input.data()})[0];
  EXPECT_EQ(std::vector<int8_t>(out.as<int8_t>(), out.as<int8_t>() + 2), (std::vector<int8_t>{-1, 2}));
}

// ---- pooling and reductions -------------------------------------------------------

Attributes pool_attrs(Ints kernel, Ints strides, Ints pads, const std::string& activation = "none") {
  return attrs_of({{"kernel", kernel}, {"strides", strides}, {"dilations", Ints{1, 1}}, {"pads", pads},
                   {"activation", activation}});
}

TEST(Int8Ops, MaxPoolPaddedWithRelu) {
  Twins t;
  const int x = t.input({1, 5, 6, 3}, 15);
  t.op(OpKind::MaxPool2D, "pool", {x}, pool_attrs({2, 3}, {2, 2}, {1, 1, 0, 1}, "relu"), t.quant(x));
  t.expect_within(0);
}

TEST(Int8Ops, AvgPoolPadded) {
  Twins t;
  const int x = t.input({2, 5, 5, 2}, 16);
  t.op(OpKind::AvgPool2D, "pool", {x}, pool_attrs({3, 3}, {2, 2}, {1, 1, 1, 1}), t.quant(x));
  t.expect_within(1);
}

TEST(Int8Ops, ReduceMeanOverHeightAndWidth) {
  Twins t;
  const int x = t.input({2, 4, 5, 3}, 17, -1.0f, 2.0f);
  t.op(OpKind::ReduceMean, "mean", {x}, attrs_of({{"axes", Ints{1, 2}}, {"keepdims", int64_t{1}}}));
  t.expect_within(2);
}

TEST(Int8Ops, ReduceMeanOverOneAxisKeepingTheQuantization) {
  // Input and output alike: TFLite's integer branch (truncating division).
  Twins t;
  const int x = t.input({3, 6, 4}, 18);
  t.op(OpKind::ReduceMean, "mean", {x}, attrs_of({{"axes", Ints{-2}}, {"keepdims", int64_t{0}}}), t.quant(x));
  t.expect_within(2);
}

TEST(Int8Ops, ReduceMax) {
  Twins t;
  const int x = t.input({2, 3, 4}, 19);
  t.op(OpKind::ReduceMax, "max", {x}, attrs_of({{"axes", Ints{0, 2}}, {"keepdims", int64_t{1}}}), t.quant(x));
  t.expect_within(0);
}

// ---- elementwise ---------------------------------------------------------------------

TEST(Int8Ops, AddSubMulBroadcast) {
  for (OpKind kind : {OpKind::Add, OpKind::Sub, OpKind::Mul}) {
    Twins t;
    const int a = t.input({2, 3, 4}, 20, -1.0f, 2.0f);
    const int b = t.input({3, 1}, 21, -0.5f, 0.7f);
    t.op(kind, op_name(kind), {a, b}, attrs_of({{"activation", std::string(kind == OpKind::Add ? "relu" : "none")}}));
    t.expect_within(1);
  }
}

TEST(Int8Ops, AddHandDerived) {
  // a: scale 0.5, zero point 0, codes {3,-4,1,-1} = {1.5,-2,0.5,-0.5}.
  // b: scale 0.25, zero point 10, codes {14,2,11,9} = {1,-2,0.25,-0.25}.
  // Sums {2.5,-4,0.75,-0.75} at output scale 0.5, zero point -3:
  // {5,-8,1.5,-1.5} steps. TFLite: both inputs x 2^20, rescaled by 0.5 / 0.25
  // (exact), summed, then x 2^-19: 5 and -8 exactly, +-1.5 rounded away from
  // zero by the final right shift to +-2. Plus -3: {2,-11,-1,-5}.
  Graph g;
  const int a = g.add_tensor(Tensor{"a", DType::Int8, {4}, nullptr, per_tensor(0.5f, 0)});
  const int b = g.add_tensor(Tensor{"b", DType::Int8, {4}, nullptr, per_tensor(0.25f, 10)});
  g.inputs = {a, b};
  const int y = add(g, OpKind::Add, "add", {a, b});
  g.tensor(y).quant = per_tensor(0.5f, -3);
  g.outputs = {y};
  const std::vector<int8_t> in_a{3, -4, 1, -1}, in_b{14, 2, 11, 9};
  Engine engine(g);
  const TensorView out = engine.run({in_a.data(), in_b.data()})[0];
  EXPECT_EQ(std::vector<int8_t>(out.as<int8_t>(), out.as<int8_t>() + 4), (std::vector<int8_t>{2, -11, -1, -5}));
}

TEST(Int8Ops, SoftmaxAlongInnerAndMiddleAxes) {
  for (int64_t axis : {-1, 1}) {
    Twins t;
    const int x = t.input({2, 5, 3}, 22, -4.0f, 4.0f);
    t.op(OpKind::Softmax, "softmax", {x}, attrs_of({{"axis", axis}}), per_tensor(1.0f / 256, -128));
    t.expect_within(2);
  }
}

TEST(Int8Ops, LogSoftmaxAlongInnerAndMiddleAxes) {
  for (int64_t axis : {-1, 1}) {
    Twins t;
    const int x = t.input({2, 5, 3}, 27, -6.0f, 6.0f);
    t.op(OpKind::LogSoftmax, "log_softmax", {x}, attrs_of({{"axis", axis}}), per_tensor(16.0f / 256, 127));
    t.expect_within(1);
  }
}

TEST(Int8Ops, SigmoidAndTanh) {
  Twins sigmoid, tanh;
  sigmoid.op(OpKind::Sigmoid, "sigmoid", {sigmoid.input({40}, 23, -6.0f, 6.0f)}, {}, per_tensor(1.0f / 256, -128));
  sigmoid.expect_within(1);
  tanh.op(OpKind::Tanh, "tanh", {tanh.input({40}, 24, -3.0f, 3.0f)}, {}, per_tensor(1.0f / 128, 0));
  tanh.expect_within(1);
}

TEST(Int8Ops, HardSwishLeakyReluPRelu) {
  Twins hard_swish, leaky, prelu;
  hard_swish.op(OpKind::HardSwish, "hard_swish", {hard_swish.input({64}, 25, -5.0f, 5.0f)});
  hard_swish.expect_within(1);
  leaky.op(OpKind::LeakyRelu, "leaky", {leaky.input({64}, 26, -3.0f, 2.0f)}, attrs_of({{"alpha", 0.2f}}));
  leaky.expect_within(1);
  const int x = prelu.input({1, 3, 4, 3}, 27, -2.0f, 2.0f);
  prelu.op(OpKind::PRelu, "prelu", {x, prelu.int8_constant({3}, {25, -60, 127}, per_tensor(0.004f, 0))});
  prelu.expect_within(1);
}

TEST(Int8Ops, ReluAndClipRequantizeLikeTfliteActivations) {
  // Relu, Clip(0, 6) and Clip(-1, 1) are RELU, RELU6 and RELU_N1_TO_1: they
  // may change the quantization. Other bounds (MAXIMUM / MINIMUM) may not.
  Twins relu, relu6, n1_to_1, other;
  relu.op(OpKind::Relu, "relu", {relu.input({50}, 28, -2.0f, 3.0f)});
  relu.expect_within(1);
  relu6.op(OpKind::Clip, "relu6", {relu6.input({50}, 29, -4.0f, 9.0f)}, attrs_of({{"min", 0.0f}, {"max", 6.0f}}));
  relu6.expect_within(1);
  n1_to_1.op(OpKind::Clip, "n1_to_1", {n1_to_1.input({50}, 30, -2.0f, 2.0f)},
             attrs_of({{"min", -1.0f}, {"max", 1.0f}}));
  n1_to_1.expect_within(1);
  const int x = other.input({50}, 31, -1.0f, 1.0f);
  other.op(OpKind::Clip, "clip", {x}, attrs_of({{"min", -0.3f}, {"max", 0.45f}}), other.quant(x));
  other.expect_within(1);
}

// ---- data movement --------------------------------------------------------------------

TEST(Int8Ops, ConcatRequantizesUnlikeInputs) {
  Twins t;
  const int a = t.input({2, 2, 3}, 32, -1.0f, 1.0f), b = t.input({2, 1, 3}, 33, -3.0f, 0.5f);
  t.op(OpKind::Concat, "concat", {a, b}, attrs_of({{"axis", int64_t{1}}, {"activation", std::string("relu")}}));
  t.expect_within(1);
}

TEST(Int8Ops, ConcatOfLikeInputsCopiesCodes) {
  Twins t;
  const int a = t.input({2, 3}, 34), b = t.input({2, 2}, 35);
  t.op(OpKind::Concat, "concat", {a, b}, attrs_of({{"axis", int64_t{-1}}}), t.quant(a));
  t.expect_within(0);
}

TEST(Int8Ops, PadWithZeroAndWithAValue) {
  for (float value : {0.0f, 0.5f}) {
    Twins t;
    const int x = t.input({1, 2, 3, 2}, 36);
    t.op(OpKind::Pad, "pad", {x}, attrs_of({{"pads", Ints{0, 1, 0, 0, 0, 2, 1, 0}}, {"value", value}}), t.quant(x));
    t.expect_within(0);
  }
}

TEST(Int8Ops, PadReflectMovesCodes) {
  Twins t;
  const int x = t.input({1, 3, 4, 1}, 37);
  t.op(OpKind::Pad, "pad", {x}, attrs_of({{"pads", Ints{0, 1, 2, 0, 0, 2, 1, 0}}, {"mode", std::string("reflect")}}),
       t.quant(x));
  t.expect_within(0);
}

Attributes resize_attrs(Ints size, const std::string& mode, const std::string& coordinates,
                        const std::string& nearest) {
  return attrs_of({{"size", size}, {"mode", mode}, {"coordinate_transformation_mode", coordinates},
                   {"nearest_mode", nearest}});
}

TEST(Int8Ops, ResizeBilinearAndNearest) {
  Twins bilinear, aligned, nearest;
  int x = bilinear.input({1, 3, 4, 2}, 38);
  bilinear.op(OpKind::Resize, "bilinear", {x}, resize_attrs({7, 6}, "linear", "half_pixel", "round_prefer_floor"),
              bilinear.quant(x));
  bilinear.expect_within(2);
  x = aligned.input({1, 3, 4, 2}, 39);
  aligned.op(OpKind::Resize, "aligned", {x}, resize_attrs({5, 7}, "linear", "align_corners", "round_prefer_floor"),
             aligned.quant(x));
  aligned.expect_within(2);
  x = nearest.input({2, 3, 4, 1}, 40);
  nearest.op(OpKind::Resize, "nearest", {x}, resize_attrs({6, 8}, "nearest", "asymmetric", "floor"),
             nearest.quant(x));
  nearest.expect_within(0);
}

// Reshape, Transpose, Slice, Gather and Identity move int8 codes as they are.
TEST(Int8Ops, DataMovementOpsMoveCodes) {
  struct Case {
    OpKind kind;
    Attributes attrs;
  };
  const std::vector<Case> cases = {
      {OpKind::Reshape, attrs_of({{"shape", Ints{4, 6}}})},
      {OpKind::Transpose, attrs_of({{"perm", Ints{2, 0, 1}}})},
      {OpKind::Slice, attrs_of({{"starts", Ints{0, 1, 1}}, {"ends", Ints{2, 3, 4}}, {"steps", Ints{1, 1, 2}}})},
      {OpKind::Identity, {}},
  };
  for (const Case& c : cases) {
    Twins t;
    const int x = t.input({2, 3, 4}, 41);
    t.op(c.kind, op_name(c.kind), {x}, c.attrs, t.quant(x));
    t.expect_within(0);
  }
  Twins gather;
  const int x = gather.input({3, 4}, 42);
  gather.op(OpKind::Gather, "gather", {x, gather.int32_constant({3}, {2, 0, -1})}, attrs_of({{"axis", int64_t{1}}}),
            gather.quant(x));
  gather.expect_within(0);
}

// Split has several outputs: checked against the input's codes directly.
TEST(Int8Ops, SplitMovesCodes) {
  Graph g;
  const int x = g.add_tensor(Tensor{"x", DType::Int8, {2, 5}, nullptr, per_tensor(0.1f, 3)});
  g.inputs = {x};
  const Node& split = g.nodes[g.add_node(OpKind::Split, "split", {x},
                                         attrs_of({{"axis", int64_t{1}}, {"split", Ints{2, 3}}}), 2)];
  g.outputs = split.outputs;
  for (int y : g.outputs) g.tensor(y).quant = per_tensor(0.1f, 3);
  const std::vector<int8_t> input{-5, 1, 7, -128, 127, 0, 2, -3, 9, 4};
  Engine engine(g);
  const std::vector<TensorView> out = engine.run({input.data()});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(std::vector<int8_t>(out[0].as<int8_t>(), out[0].as<int8_t>() + 4), (std::vector<int8_t>{-5, 1, 0, 2}));
  EXPECT_EQ(std::vector<int8_t>(out[1].as<int8_t>(), out[1].as<int8_t>() + 6),
            (std::vector<int8_t>{7, -128, 127, -3, 9, 4}));
}

// ---- Quantize and Dequantize ------------------------------------------------------

// Runs one Quantize or Dequantize node on `input` (a tensor of `from` with
// `in_quant`) and returns the output as T.
template <typename T, typename In>
std::vector<T> run_conversion(OpKind kind, DType from, const QuantParams& in_quant, const std::vector<In>& input,
                              Attributes attrs) {
  Graph g;
  const int x = g.add_tensor(Tensor{"x", from, {static_cast<int64_t>(input.size())}, nullptr, in_quant});
  g.inputs = {x};
  g.outputs = {add(g, kind, "convert", {x}, std::move(attrs))};
  Engine engine(g);
  const TensorView out = engine.run({input.data()})[0];
  return std::vector<T>(out.as<T>(), out.as<T>() + out.element_count());
}

TEST(Int8Ops, RequantizeInt8ToInt8LikeTflite) {
  // Scale 0.75 -> 0.5, zero points 1 -> -2: multiplier 1.5 (exact in Q0.31).
  // q - 1 = {3, -3, 1, -1, 100, -100} x 1.5 = {4.5, -4.5, 1.5, -1.5, 150, -150};
  // TFLite's high multiply rounds ties towards +inf: {5, -4, 2, -1}, then -2
  // and saturation: {3, -6, 0, -3, 127, -128}.
  const QuantParams in = per_tensor(0.75f, 1), out = per_tensor(0.5f, -2);
  EXPECT_EQ(run_conversion<int8_t>(OpKind::Quantize, DType::Int8, in, std::vector<int8_t>{4, -2, 2, 0, 101, -99},
                                   quantize_attrs(DType::Int8, out, in)),
            (std::vector<int8_t>{3, -6, 0, -3, 127, -128}));
}

TEST(Int8Ops, RequantizeBetweenInt8AndUInt8) {
  // Same scale, zero points -128 and 0 differ by 128: the codes shift, exactly.
  const QuantParams s8 = per_tensor(0.05f, -128), u8 = per_tensor(0.05f, 0);
  const std::vector<int8_t> signed_codes{-128, -1, 0, 127};
  const std::vector<uint8_t> unsigned_codes{0, 127, 128, 255};
  EXPECT_EQ(run_conversion<uint8_t>(OpKind::Quantize, DType::Int8, s8, signed_codes,
                                    quantize_attrs(DType::UInt8, u8, s8)),
            unsigned_codes);
  EXPECT_EQ(run_conversion<int8_t>(OpKind::Quantize, DType::UInt8, u8, unsigned_codes,
                                   quantize_attrs(DType::Int8, s8, u8)),
            signed_codes);
}

TEST(Int8Ops, QuantizeFloatToInt8AndUInt8WithinHalfAStep) {
  const std::vector<float> x = seeded_values(100, 43);
  const QuantParams s8 = per_tensor(2.0f / 255, -1), u8 = per_tensor(2.0f / 255, 127);
  const std::vector<int8_t> q8 = run_conversion<int8_t>(OpKind::Quantize, DType::Float32, {}, x,
                                                        quantize_attrs(DType::Int8, s8));
  const std::vector<uint8_t> qu8 = run_conversion<uint8_t>(OpKind::Quantize, DType::Float32, {}, x,
                                                           quantize_attrs(DType::UInt8, u8));
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_LE(std::abs(dequantize(q8[i], s8) - x[i]), 0.5f * s8.scales[0] * 1.0001f) << i;
    EXPECT_LE(std::abs(dequantize(qu8[i], u8) - x[i]), 0.5f * u8.scales[0] * 1.0001f) << i;
  }
}

TEST(Int8Ops, DequantizeUInt8) {
  const QuantParams u8 = per_tensor(0.5f, 128);
  EXPECT_EQ(run_conversion<float>(OpKind::Dequantize, DType::UInt8, u8, std::vector<uint8_t>{0, 128, 255, 131},
                                  dequantize_attrs(u8)),
            (std::vector<float>{-64.0f, 0.0f, 63.5f, 1.5f}));
}

// ---- errors ---------------------------------------------------------------------------

TEST(Int8Ops, MissingQuantizationNamesTheNode) {
  Graph g;
  const int x = g.add_tensor(Tensor{"x", DType::Int8, {1, 3, 3, 1}, nullptr, per_tensor(0.1f, 0)});
  g.inputs = {x};
  Tensor w = make_constant<int8_t>("w", {1, 1, 1, 1}, {1});
  w.quant = per_tensor(0.1f, 0);
  g.outputs = {add(g, OpKind::Conv2D, "stem_conv", {x, g.add_tensor(w)}, conv_attrs({1, 1}, {0, 0, 0, 0}, 1, "none"))};
  // The output was never given a scale and zero point.
  const std::vector<int8_t> input(9, 1);
  Engine engine(g);
  try {
    engine.run({input.data()});
    FAIL() << "ran an int8 convolution whose output has no quantization";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unsupported);
    EXPECT_NE(std::string(e.what()).find("node 'stem_conv' (Conv2D)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("output 0 has no scale and zero point"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace octet
