// The Engine's fast path (XNNPACK, and our float depthwise kernel) against
// its reference kernels (EngineOptions reference), op by op on one-node
// graphs: every case must run on the fast path (no fallback) and agree to
// float rounding; what it cannot do must fall back, say why, and still give
// the reference's result.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "runtime/engine.h"
#include "runtime/float_depthwise.h"
#include "runtime/float_pointwise.h"
#include "runtime/xnn/operator.h"
#include "test_graph.h"

namespace octet {
namespace {

using testing::add;
using testing::attrs_of;
using testing::seeded_values;
using Ints = std::vector<int64_t>;

// XNNPACK sums in another order (with FMA) and evaluates sigmoid with its own
// polynomial, so outputs differ from the reference by float rounding: a few
// 1e-7 of the output's magnitude on these sizes. A wrong window, padding,
// layout or broadcast differs by a whole term, far above this.
constexpr double kTolerance = 1e-5;

// A node operand with seeded values in [offset - 1, offset + 1).
struct Operand {
  Shape shape;
  bool constant = false;
  float offset = 0.0f;
};

Operand weights(Shape shape) { return {std::move(shape), true}; }

struct OneNodeGraph {
  Graph graph;
  std::vector<std::vector<float>> input_values;  // of the graph inputs, in order
  std::vector<const void*> inputs() const {
    std::vector<const void*> data;
    for (const auto& v : input_values) data.push_back(v.data());
    return data;
  }
};

OneNodeGraph one_node_graph(OpKind op, const std::vector<Operand>& operands, Attributes attrs) {
  OneNodeGraph m;
  std::vector<int> ids;
  for (size_t i = 0; i < operands.size(); ++i) {
    const Operand& operand = operands[i];
    std::vector<float> values = seeded_values(element_count(operand.shape), static_cast<uint32_t>(i + 1));
    for (float& v : values) v += operand.offset;
    const std::string name = "in" + std::to_string(i);
    if (operand.constant) {
      ids.push_back(m.graph.add_tensor(make_constant<float>(name, operand.shape, values)));
      continue;
    }
    Tensor t;
    t.name = name;
    t.shape = operand.shape;
    ids.push_back(m.graph.add_tensor(std::move(t)));
    m.graph.inputs.push_back(ids.back());
    m.input_values.push_back(std::move(values));
  }
  m.graph.outputs = {add(m.graph, op, "op", ids, std::move(attrs))};
  return m;
}

// max |a - b| / max(1, max |b|).
double relative_difference(const TensorView& a, const TensorView& b) {
  double diff = 0, scale = 1;
  for (int64_t i = 0; i < b.element_count(); ++i) {
    diff = std::max<double>(diff, std::fabs(a.as<float>()[i] - b.as<float>()[i]));
    scale = std::max<double>(scale, std::fabs(b.as<float>()[i]));
  }
  return diff / scale;
}

std::string fallbacks_of(const Engine& engine) {
  std::string s;
  for (const ReferenceFallback& f : engine.reference_fallbacks()) s += f.node + ": " + f.reason + "; ";
  return s;
}

// With our kernels where they apply, and with XNNPACK alone.
void expect_fast_matches_reference(OpKind op, const std::vector<Operand>& operands, Attributes attrs = {}) {
  const OneNodeGraph m = one_node_graph(op, operands, std::move(attrs));
  Engine reference(m.graph, {true});
  const TensorView b = reference.run(m.inputs())[0];
  for (bool own : {true, false}) {
    SCOPED_TRACE(own ? "with our kernels" : "XNNPACK alone");
    EngineOptions options;
    options.own_kernels = own;
    Engine fast(m.graph, options);
    EXPECT_TRUE(fast.reference_fallbacks().empty()) << fallbacks_of(fast);
    const TensorView a = fast.run(m.inputs())[0];
    ASSERT_EQ(a.shape, b.shape);
    EXPECT_LE(relative_difference(a, b), kTolerance);
  }
}

// The node falls back to its reference kernel, with `reason` in the report,
// and gives exactly the reference result.
void expect_falls_back(OpKind op, const std::vector<Operand>& operands, Attributes attrs, const std::string& reason) {
  const OneNodeGraph m = one_node_graph(op, operands, std::move(attrs));
  Engine fast(m.graph), reference(m.graph, {true});
  ASSERT_EQ(fast.reference_fallbacks().size(), 1u);
  EXPECT_EQ(fast.reference_fallbacks()[0].op, op);
  EXPECT_NE(fast.reference_fallbacks()[0].reason.find(reason), std::string::npos) << fallbacks_of(fast);
  EXPECT_EQ(relative_difference(fast.run(m.inputs())[0], reference.run(m.inputs())[0]), 0.0);
}

Attributes window(Ints strides, Ints pads, Ints dilations = {1, 1}, int64_t group = 1,
                  const std::string& activation = "none") {
  return attrs_of({{"strides", strides},
                   {"pads", pads},
                   {"dilations", dilations},
                   {"group", group},
                   {"activation", activation}});
}

Attributes pool(Ints kernel, Ints strides, Ints pads, Ints dilations = {1, 1}) {
  Attributes a = window(strides, pads, dilations);
  a.set("kernel", kernel);
  return a;
}

TEST(XnnEngine, Conv2D) {
  using K = OpKind;
  expect_fast_matches_reference(K::Conv2D, {{{1, 9, 9, 3}}, weights({8, 3, 3, 3}), weights({8})},
                                window({1, 1}, {1, 1, 1, 1}, {1, 1}, 1, "relu6"));
  // TF SAME with stride 2: the odd padding pixel at the bottom and right.
  expect_fast_matches_reference(K::Conv2D, {{{2, 10, 11, 5}}, weights({7, 3, 3, 5}), weights({7})},
                                window({2, 2}, {0, 0, 1, 1}));
  expect_fast_matches_reference(K::Conv2D, {{{1, 12, 12, 4}}, weights({6, 3, 2, 4})},
                                window({1, 2}, {2, 1, 0, 3}, {2, 3}));
  expect_fast_matches_reference(K::Conv2D, {{{1, 8, 8, 6}}, weights({4, 3, 3, 3}), weights({4})},
                                window({1, 1}, {1, 1, 1, 1}, {1, 1}, 2, "relu"));
  expect_fast_matches_reference(K::Conv2D, {{{1, 7, 7, 40}}, weights({24, 1, 1, 40}), weights({24})},
                                window({1, 1}, {0, 0, 0, 0}));
}

TEST(XnnEngine, DepthwiseConv2D) {
  using K = OpKind;
  expect_fast_matches_reference(K::Conv2D, {{{1, 11, 11, 16}}, weights({16, 3, 3, 1}), weights({16})},
                                window({2, 2}, {0, 0, 1, 1}, {1, 1}, 16, "relu6"));
  expect_fast_matches_reference(K::Conv2D, {{{2, 9, 9, 5}}, weights({5, 5, 5, 1})},
                                window({1, 1}, {2, 2, 2, 2}, {1, 1}, 5));
  // Channel multiplier 2: output channel c*2+m reads input channel c.
  expect_fast_matches_reference(K::Conv2D, {{{1, 8, 8, 4}}, weights({8, 3, 3, 1}), weights({8})},
                                window({1, 1}, {1, 1, 1, 1}, {1, 1}, 4));
}

// Our depthwise kernel alone (not through the Engine, where XNNPACK would
// hide a refusal) against the reference, over the window shapes its code
// paths split on: 3x3 and 5x5 with weights in registers, any other window,
// strides and dilations, pads on one side only, rows with no interior
// column, interiors of more and fewer than eight pixels, a batch of two.
TEST(FloatDepthwise, MatchesReferenceOverWindowShapes) {
  struct Case {
    Shape input;   // N, H, W, C
    Ints kernel;   // KH, KW
    Ints strides, pads, dilations;
    std::string activation;
  };
  const Case cases[] = {
      {{1, 9, 21, 16}, {3, 3}, {1, 1}, {1, 1, 1, 1}, {1, 1}, "relu6"},
      {{2, 11, 11, 8}, {3, 3}, {2, 2}, {0, 0, 1, 1}, {1, 1}, "none"},
      {{1, 12, 30, 24}, {5, 5}, {1, 1}, {2, 2, 2, 2}, {1, 1}, "relu"},
      {{1, 13, 17, 8}, {5, 5}, {2, 2}, {1, 2, 2, 1}, {1, 1}, "none"},
      {{1, 10, 19, 8}, {3, 3}, {1, 2}, {2, 0, 0, 3}, {2, 2}, "none"},
      {{1, 4, 2, 8}, {5, 5}, {1, 1}, {2, 2, 2, 2}, {1, 1}, "none"},   // no interior column
      {{1, 6, 1, 16}, {3, 3}, {1, 1}, {1, 1, 1, 1}, {1, 1}, "relu6"},  // one column
      {{1, 9, 14, 8}, {2, 3}, {1, 1}, {0, 1, 1, 1}, {1, 1}, "none"},   // any other window
      {{1, 8, 8, 8}, {7, 1}, {2, 1}, {3, 0, 3, 0}, {1, 1}, "relu"},
  };
  for (const Case& k : cases) {
    const int64_t c = k.input[3];
    SCOPED_TRACE(::testing::PrintToString(k.input) + " kernel " + ::testing::PrintToString(k.kernel) + " strides " +
                 ::testing::PrintToString(k.strides) + " pads " + ::testing::PrintToString(k.pads));
    const OneNodeGraph m =
        one_node_graph(OpKind::Conv2D, {{k.input}, weights({c, k.kernel[0], k.kernel[1], 1}), weights({c})},
                       window(k.strides, k.pads, k.dilations, c, k.activation));
    Engine reference(m.graph, {true});
    const TensorView expected = reference.run(m.inputs())[0];
    const Node& node = m.graph.nodes[0];
    const DepthwiseGeometry g = xnn::depthwise_geometry(node, k.input, m.graph.tensor(node.inputs[1]).shape,
                                                        expected.shape);
    const FloatDepthwiseConv conv(g, m.graph.tensor(node.inputs[1]).data_as<float>(),
                                  m.graph.tensor(node.inputs[2]).data_as<float>());
    std::vector<float> out(static_cast<size_t>(expected.element_count()), NAN);
    // In two calls, as the thread pool splits the rows.
    const int64_t half = conv.rows() / 2;
    conv.run_rows(m.input_values[0].data(), out.data(), 0, half);
    conv.run_rows(m.input_values[0].data(), out.data(), half, conv.rows() - half);
    const TensorView got{DType::Float32, expected.shape, reinterpret_cast<uint8_t*>(out.data()), nullptr};
    EXPECT_LE(relative_difference(got, expected), kTolerance);
  }
}

// Through the Engine on two threads, the pool splits the kernel's rows.
TEST(FloatDepthwise, RowsSplitOverThreads) {
  const OneNodeGraph m =
      one_node_graph(OpKind::Conv2D, {{{2, 15, 15, 32}}, weights({32, 3, 3, 1}), weights({32})},
                     window({1, 1}, {1, 1, 1, 1}, {1, 1}, 32, "relu6"));
  Engine threaded(m.graph, {false, 2}), reference(m.graph, {true});
  EXPECT_TRUE(threaded.reference_fallbacks().empty()) << fallbacks_of(threaded);
  EXPECT_LE(relative_difference(threaded.run(m.inputs())[0], reference.run(m.inputs())[0]), kTolerance);
}

// Our 1x1 kernel alone against the reference: channel counts with and
// without a last block of 8, pixel counts with and without whole tiles of 7,
// the clamps, no bias, a batch; and run in two calls, as a thread pool does.
TEST(FloatPointwise, MatchesReferenceOverShapes) {
  if (!FloatPointwiseConv::supported()) GTEST_SKIP() << "no AVX-512 here: XNNPACK runs 1x1 convolutions";
  struct Case {
    Shape input;  // N, H, W, K
    int64_t outputs;
    bool bias;
    std::string activation;
  };
  const Case cases[] = {
      {{1, 5, 7, 16}, 96, true, "relu6"},   {{1, 3, 3, 24}, 24, true, "none"},  {{2, 4, 5, 3}, 8, false, "relu"},
      {{1, 1, 1, 320}, 1280, true, "none"}, {{1, 2, 11, 1}, 40, true, "relu6"},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(::testing::PrintToString(k.input) + " to " + std::to_string(k.outputs));
    std::vector<Operand> operands = {{k.input}, weights({k.outputs, 1, 1, k.input[3]})};
    if (k.bias) operands.push_back(weights({k.outputs}));
    const OneNodeGraph m = one_node_graph(OpKind::Conv2D, operands, window({1, 1}, {0, 0, 0, 0}, {1, 1}, 1, k.activation));
    Engine reference(m.graph, {true});
    const TensorView expected = reference.run(m.inputs())[0];
    const Node& node = m.graph.nodes[0];
    const float lo = k.activation == "none" ? -INFINITY : 0.0f, hi = k.activation == "relu6" ? 6.0f : INFINITY;
    const FloatPointwiseConv conv(k.input[3], k.outputs, m.graph.tensor(node.inputs[1]).data_as<float>(),
                                  k.bias ? m.graph.tensor(node.inputs[2]).data_as<float>() : nullptr, lo, hi);
    const int64_t pixels = k.input[0] * k.input[1] * k.input[2];
    std::vector<float> out(static_cast<size_t>(expected.element_count()), NAN);
    conv.run(m.input_values[0].data(), out.data(), 0, pixels / 2, nullptr);
    conv.run(m.input_values[0].data(), out.data(), pixels / 2, pixels - pixels / 2, nullptr);
    const TensorView got{DType::Float32, expected.shape, reinterpret_cast<uint8_t*>(out.data()), nullptr};
    EXPECT_LE(relative_difference(got, expected), kTolerance);
  }
}

// Runs `m` with EngineOptions::summarise; every summary a kernel made of
// what it wrote must equal plain loops over the tensor: per-channel sums,
// min and max. Returns how many tensors had one.
int expect_summaries_equal_plain_loops(const OneNodeGraph& m) {
  EngineOptions options;
  options.summarise = true;
  Engine engine(m.graph, options), plain(m.graph);
  int summarised = 0;
  engine.run(m.inputs(), [&](int id, const TensorView& v) {
    const OutputSummary* summary = engine.summary_of(id);
    EXPECT_EQ(plain.summary_of(id), nullptr);  // not asked for
    if (!summary) return;
    ++summarised;
    const int64_t channels = v.shape.back(), positions = v.element_count() / channels;
    ASSERT_EQ(summary->sum.size(), static_cast<size_t>(channels));
    float lo = INFINITY, hi = -INFINITY;
    for (int64_t c = 0; c < channels; ++c) {
      double want = 0;
      for (int64_t p = 0; p < positions; ++p) {
        const float x = v.as<float>()[p * channels + c];
        want += x;
        lo = std::min(lo, x);
        hi = std::max(hi, x);
      }
      EXPECT_NEAR(summary->sum[c], want, 1e-4 * std::max(1.0, std::fabs(want))) << "channel " << c;
    }
    EXPECT_EQ(summary->min, lo);
    EXPECT_EQ(summary->max, hi);
  });
  return summarised;
}

TEST(FloatPointwise, SummariesEqualPlainLoops) {
  if (!FloatPointwiseConv::supported()) GTEST_SKIP() << "no AVX-512 here: XNNPACK runs 1x1 convolutions";
  OneNodeGraph m = one_node_graph(OpKind::Conv2D, {{{1, 13, 11, 16}}, weights({24, 1, 1, 16}), weights({24})},
                                  window({1, 1}, {0, 0, 0, 0}, {1, 1}, 1, "relu6"));
  Graph& g = m.graph;
  g.add_tensor(make_constant<float>("w2", {40, 1, 1, 24}, seeded_values(40 * 24, 11)));
  g.outputs = {add(g, OpKind::Conv2D, "second", {g.outputs[0], g.find_tensor("w2")}, window({1, 1}, {0, 0, 0, 0}))};
  EXPECT_EQ(expect_summaries_equal_plain_loops(m), 2);
}

TEST(XnnEngine, ConvTranspose2D) {
  Attributes a = window({2, 2}, {1, 0, 2, 1});
  a.set("output_padding", Ints{1, 1});
  expect_fast_matches_reference(OpKind::ConvTranspose2D, {{{1, 5, 6, 4}}, weights({6, 3, 3, 4}), weights({6})}, a);
  expect_fast_matches_reference(OpKind::ConvTranspose2D, {{{2, 4, 4, 6}}, weights({4, 2, 2, 3})},
                                window({2, 2}, {0, 0, 0, 0}, {1, 1}, 2, "relu"));
}

TEST(XnnEngine, FullyConnected) {
  expect_fast_matches_reference(OpKind::FullyConnected, {{{2, 5, 16}}, weights({10, 16}), weights({10})},
                                attrs_of({{"activation", std::string("relu")}}));
  expect_fast_matches_reference(OpKind::FullyConnected, {{{1, 300}}, weights({7, 300})});
}

TEST(XnnEngine, Pooling) {
  using K = OpKind;
  expect_fast_matches_reference(K::MaxPool2D, {{{1, 9, 9, 8}}}, pool({3, 3}, {2, 2}, {1, 1, 1, 1}));
  expect_fast_matches_reference(K::MaxPool2D, {{{2, 8, 8, 3}}}, pool({2, 2}, {2, 2}, {0, 0, 0, 0}));
  expect_fast_matches_reference(K::MaxPool2D, {{{1, 10, 10, 4}}}, pool({2, 3}, {1, 2}, {0, 0, 0, 0}, {2, 2}));
  // All inputs negative: a padded tap must never win over them, dilated or not.
  expect_fast_matches_reference(K::MaxPool2D, {{{1, 6, 6, 5}, false, -2.0f}}, pool({3, 3}, {1, 1}, {1, 1, 2, 2}));
  expect_fast_matches_reference(K::MaxPool2D, {{{1, 11, 10, 5}, false, -2.0f}},
                                pool({3, 3}, {2, 1}, {2, 1, 1, 2}, {3, 2}));
  expect_fast_matches_reference(K::AvgPool2D, {{{1, 9, 9, 8}}}, pool({3, 3}, {1, 1}, {1, 1, 1, 1}));
  expect_fast_matches_reference(K::AvgPool2D, {{{2, 7, 7, 16}}}, pool({7, 7}, {1, 1}, {0, 0, 0, 0}));
  expect_fast_matches_reference(K::AvgPool2D, {{{1, 10, 9, 3}}}, pool({3, 2}, {2, 2}, {0, 0, 1, 1}));
}

TEST(XnnEngine, SpatialMeanIsGlobalAveragePooling) {
  expect_fast_matches_reference(OpKind::ReduceMean, {{{2, 7, 7, 12}}},
                                attrs_of({{"axes", Ints{1, 2}}, {"keepdims", int64_t{1}}}));
  expect_fast_matches_reference(OpKind::ReduceMean, {{{1, 5, 3, 9}}},
                                attrs_of({{"axes", Ints{-2, -3}}, {"keepdims", int64_t{0}}}));
}

TEST(XnnEngine, BinaryOpsBroadcast) {
  for (OpKind op : {OpKind::Add, OpKind::Sub, OpKind::Mul, OpKind::Div}) {
    SCOPED_TRACE(op_name(op));
    // Divisors in [2, 4): away from zero, so the quotients stay moderate.
    const float divisor = op == OpKind::Div ? 3.0f : 0.0f;
    expect_fast_matches_reference(op, {{{2, 3, 4, 5}}, {{2, 3, 4, 5}, false, divisor}});
    expect_fast_matches_reference(op, {{{2, 3, 4, 5}}, {{1, 3, 1, 5}, false, divisor}});
    expect_fast_matches_reference(op, {{{1, 4}, false, divisor}, {{3, 1}}});
    expect_fast_matches_reference(op, {{{2, 6, 6, 8}}, {{8}, true, divisor}},
                                  attrs_of({{"activation", std::string("relu6")}}));
    expect_fast_matches_reference(op, {{{5, 3}}, {{}, true, divisor}});
  }
}

TEST(XnnEngine, Activations) {
  const Shape shape{2, 5, 5, 7};
  const Operand wide{shape, false, 0.0f};
  expect_fast_matches_reference(OpKind::Relu, {wide});
  expect_fast_matches_reference(OpKind::Clip, {wide}, attrs_of({{"min", 0.0f}, {"max", 0.5f}}));
  expect_fast_matches_reference(OpKind::Clip, {wide}, attrs_of({{"max", 0.25f}}));
  expect_fast_matches_reference(OpKind::Sigmoid, {{shape, false, 3.0f}});
  expect_fast_matches_reference(OpKind::Sigmoid, {{shape, false, -3.0f}});
  expect_fast_matches_reference(OpKind::HardSwish, {{shape, false, 2.5f}});
  expect_fast_matches_reference(OpKind::HardSwish, {{shape, false, -2.5f}});
  expect_fast_matches_reference(OpKind::LeakyRelu, {wide}, attrs_of({{"alpha", 0.2f}}));
  expect_fast_matches_reference(OpKind::PRelu, {wide, weights({1, 1, 7})});
  expect_fast_matches_reference(OpKind::PRelu, {wide, weights({1})});
}

TEST(XnnEngine, SoftmaxOverTheLastAxis) {
  expect_fast_matches_reference(OpKind::Softmax, {{{3, 10}, false, 0.0f}}, attrs_of({{"axis", int64_t{-1}}}));
  expect_fast_matches_reference(OpKind::Softmax, {{{1, 2, 2, 1000}, false, 5.0f}}, attrs_of({{"axis", int64_t{3}}}));
}

TEST(XnnEngine, BilinearResize) {
  for (const char* mode : {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric"})
    for (const Ints& size : {Ints{10, 14}, Ints{3, 2}, Ints{7, 5}}) {
      SCOPED_TRACE(std::string(mode) + " to " + shape_string(size));
      expect_fast_matches_reference(
          OpKind::Resize, {{{2, 5, 7, 3}}},
          attrs_of({{"size", size}, {"mode", std::string("linear")},
                    {"coordinate_transformation_mode", std::string(mode)}}));
    }
}

TEST(XnnEngine, FallsBackToReferenceWhereXnnpackDiffers) {
  Attributes counted = pool({3, 3}, {1, 1}, {1, 1, 1, 1});
  counted.set("count_include_pad", int64_t{1});
  expect_falls_back(OpKind::AvgPool2D, {{{1, 6, 6, 4}}}, counted, "count_include_pad");
  expect_falls_back(OpKind::Softmax, {{{2, 5, 3}}}, attrs_of({{"axis", int64_t{1}}}), "axis");
  expect_falls_back(OpKind::Softmax, {{{2, 5}}}, attrs_of({{"beta", 0.5f}}), "beta");
  expect_falls_back(OpKind::Tanh, {{{2, 5}}}, {}, "no operator");
  expect_falls_back(OpKind::Conv2D, {{{1, 5, 5, 2}}, {{3, 1, 1, 2}}}, window({1, 1}, {0, 0, 0, 0}), "constant");
  expect_falls_back(OpKind::ReduceMean, {{{2, 4, 4, 3}}}, attrs_of({{"axes", Ints{3}}}), "H and W");
  expect_falls_back(OpKind::Resize, {{{1, 4, 4, 2}}},
                    attrs_of({{"size", Ints{8, 8}}, {"mode", std::string("nearest")}}), "bilinear");
}

// A small network: the observer sees every tensor on both paths, with the
// same values, and a two-thread XNNPACK run agrees too.
TEST(XnnEngine, ObserverSeesEveryTensorOnTheFastPath) {
  OneNodeGraph m = one_node_graph(OpKind::Conv2D, {{{1, 8, 8, 3}}, weights({4, 3, 3, 3}), weights({4})},
                                  window({1, 1}, {1, 1, 1, 1}, {1, 1}, 1, "relu"));
  Graph& g = m.graph;
  const int pooled = add(g, OpKind::MaxPool2D, "pool", {g.outputs[0]}, pool({2, 2}, {2, 2}, {0, 0, 0, 0}));
  const int flat = add(g, OpKind::Reshape, "flat", {pooled}, attrs_of({{"shape", Ints{1, 64}}}));
  g.add_tensor(make_constant<float>("fc_w", {5, 64}, seeded_values(5 * 64, 9)));
  const int logits = add(g, OpKind::FullyConnected, "fc", {flat, g.find_tensor("fc_w")});
  g.outputs = {add(g, OpKind::Softmax, "softmax", {logits})};

  std::vector<std::vector<float>> seen_fast(g.tensors.size()), seen_reference(g.tensors.size());
  auto recorder = [](std::vector<std::vector<float>>& seen) {
    return [&seen](int id, const TensorView& v) { seen[id].assign(v.as<float>(), v.as<float>() + v.element_count()); };
  };
  Engine fast(g), reference(g, {true}), threaded(g, {false, 2});
  EXPECT_EQ(fallbacks_of(fast), "flat: XNNPACK has no operator for it; ");
  fast.run(m.inputs(), recorder(seen_fast));
  reference.run(m.inputs(), recorder(seen_reference));
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    SCOPED_TRACE(g.tensors[t].name);
    if (g.tensors[t].is_constant()) continue;
    ASSERT_FALSE(seen_fast[t].empty());
    ASSERT_EQ(seen_fast[t].size(), seen_reference[t].size());
    for (size_t i = 0; i < seen_fast[t].size(); ++i) EXPECT_NEAR(seen_fast[t][i], seen_reference[t][i], 1e-5);
  }
  const TensorView single = fast.run(m.inputs())[0], two = threaded.run(m.inputs())[0];
  EXPECT_LE(relative_difference(two, single), kTolerance);
}

// An int8 graph has no float node: nothing is offered to XNNPACK.
TEST(XnnEngine, IntegerNodesStayOnTheirKernels) {
  Graph g;
  Tensor x;
  x.name = "x";
  x.dtype = DType::Int32;
  x.shape = {4};
  g.inputs = {g.add_tensor(x)};
  g.outputs = {add(g, OpKind::Add, "add", {g.inputs[0], g.inputs[0]})};
  Engine engine(g);
  EXPECT_TRUE(engine.reference_fallbacks().empty());
  const int32_t values[] = {1, -2, 3, 40};
  const TensorView out = engine.run({values})[0];
  EXPECT_EQ(out.as<int32_t>()[3], 80);
}

}  // namespace
}  // namespace octet
