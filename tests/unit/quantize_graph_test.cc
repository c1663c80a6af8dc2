// The quantizer on small hand-built graphs: the plan follows each op's
// QuantTraits, Q/DQ insertion and cancellation leave only the edges and the
// requantizations the spec needs, the I/O types come out as asked, and the
// int8 graph computes what the float graph does, up to quantization.
#include <gtest/gtest.h>

#include <cmath>

#include "calib/calibrate.h"
#include "graph/error.h"
#include "pass_test_util.h"
#include "passes/quantize_passes.h"
#include "quant/quantize_graph.h"

namespace octet::quant {
namespace {

using namespace octet::pass_test;

Attributes conv_attrs(const std::string& activation) {
  return attrs_of({{"strides", std::vector<int64_t>{1, 1}}, {"dilations", std::vector<int64_t>{1, 1}},
                   {"pads", std::vector<int64_t>{1, 1, 1, 1}}, {"group", int64_t{1}},
                   {"activation", activation}});
}

// input [1,6,6,3] -> conv (relu6) -> max pool ----------+
//                 -> conv (none)  -> avg pool -> concat -> reshape -> FC -> softmax
Graph branchy_classifier() {
  Graph g;
  const int x = add_input(g, "input", {1, 6, 6, 3});
  const int a = add(g, OpKind::Conv2D, "conv_a",
                    {x, add_constant(g, "wa", {4, 3, 3, 3}), add_constant(g, "ba", {4})}, conv_attrs("relu6"));
  const int b = add(g, OpKind::Conv2D, "conv_b",
                    {x, add_constant(g, "wb", {2, 3, 3, 3}), add_constant(g, "bb", {2})}, conv_attrs("none"));
  const Attributes pool = attrs_of({{"kernel", std::vector<int64_t>{2, 2}}, {"strides", std::vector<int64_t>{2, 2}},
                                    {"dilations", std::vector<int64_t>{1, 1}}, {"pads", std::vector<int64_t>{0, 0, 0, 0}}});
  const int pa = add(g, OpKind::MaxPool2D, "pool_a", {a}, pool);
  const int pb = add(g, OpKind::AvgPool2D, "pool_b", {b}, pool);
  const int c = add(g, OpKind::Concat, "concat", {pa, pb}, attrs_of({{"axis", int64_t{3}}}));
  const int r = add(g, OpKind::Reshape, "flatten", {c}, attrs_of({{"shape", std::vector<int64_t>{1, 54}}}));
  const int f = add(g, OpKind::FullyConnected, "fc", {r, add_constant(g, "wf", {5, 54}), add_constant(g, "bf", {5})});
  g.outputs = {add(g, OpKind::Softmax, "probs", {f}, attrs_of({{"axis", int64_t{-1}}}))};
  return g;
}

// Min/max of every calibrated tensor over a few seeded inputs: the float
// engine's own values, as octet calibrate's minmax method would see them.
calib::CalibrationResult observed_ranges(const Graph& g, int samples = 4) {
  calib::CalibrationResult result;
  std::map<int, calib::TensorRange> ranges;
  for (int id : calib::calibrated_tensors(g)) ranges[id] = {id, g.tensor(id).name, "minmax", {INFINITY, -INFINITY}};
  Engine engine(g);
  for (int s = 0; s < samples; ++s) {
    const std::vector<float> input = seeded_values(g.tensor(g.inputs[0]).element_count(), 77 + s);
    engine.run({input.data()}, [&](int id, const TensorView& v) {
      auto it = ranges.find(id);
      if (it == ranges.end()) return;
      for (int64_t i = 0; i < v.element_count(); ++i) {
        it->second.range.min = std::min(it->second.range.min, v.as<float>()[i]);
        it->second.range.max = std::max(it->second.range.max, v.as<float>()[i]);
      }
      it->second.values += v.element_count();
    });
  }
  for (auto& [id, r] : ranges) result.tensors.push_back(r);
  result.used = samples;
  return result;
}

const Node& only_node(const Graph& g, OpKind op) {
  const Node* found = nullptr;
  for (const Node& n : g.nodes)
    if (n.op == op) {
      EXPECT_EQ(found, nullptr) << "several " << op_name(op);
      found = &n;
    }
  if (!found) ADD_FAILURE() << "no " << op_name(op);
  return *found;
}

TEST(QuantizePlan, FollowsEachOpsTraits) {
  const Graph g = branchy_classifier();
  const QuantPlan plan = plan_quantization(g, observed_ranges(g), {});
  auto params = [&](const std::string& name) { return plan.params(g.find_tensor(name)); };
  EXPECT_EQ(params("probs").scales[0], 1.0f / 256);
  EXPECT_EQ(params("probs").zero_points[0], -128);
  EXPECT_EQ(params("pool_a").scales, params("conv_a").scales);  // pooling keeps its input's parameters
  EXPECT_EQ(params("flatten").zero_points, params("concat").zero_points);
  // Conv weights per channel, FC per tensor by default.
  for (const auto& [index, w] : plan.weights)
    EXPECT_EQ(w.scales.size(), g.nodes[index].op == OpKind::FullyConnected ? 1u : g.tensor(g.nodes[index].outputs[0]).shape[3]);
  // A concat input reads with the concat's parameters.
  const Node& concat = g.nodes[4];
  ASSERT_EQ(concat.op, OpKind::Concat);
  EXPECT_EQ(plan.input_params(g, concat, 1).scales, params("concat").scales);
}

// Each convolution feeds only a pooling that feeds only the concat: both
// write the concat's parameters, so no input needs requantizing.
TEST(QuantizePlan, ConcatInputsProducedWithTheConcatsParameters) {
  const Graph g = branchy_classifier();
  const calib::CalibrationResult ranges = observed_ranges(g);
  const QuantPlan plan = plan_quantization(g, ranges, {});
  const QuantParams& concat = plan.params(g.find_tensor("concat"));
  for (const char* name : {"conv_a", "pool_a", "conv_b", "pool_b"}) {
    EXPECT_EQ(plan.params(g.find_tensor(name)).scales, concat.scales) << name;
    EXPECT_EQ(plan.params(g.find_tensor(name)).zero_points, concat.zero_points) << name;
  }
  EXPECT_EQ(plan.activations.at(g.find_tensor("conv_a")).source, ParamSource::SameAsConsumer);
  EXPECT_EQ(plan.activations.at(g.find_tensor("pool_a")).source, ParamSource::SameAsInput);
  const Graph cancelled = cancel_quantize_pairs(insert_quantize_dequantize(g, plan));
  EXPECT_EQ(count_op(cancelled, OpKind::Quantize), 1);  // the graph input's only

  // A second reader of a convolution's output (here: it is also a graph
  // output) keeps it and its pooling on their own calibrated parameters.
  Graph shared = g;
  shared.outputs.push_back(shared.find_tensor("conv_a"));
  const QuantPlan kept = plan_quantization(shared, ranges, {});
  EXPECT_EQ(kept.activations.at(shared.find_tensor("conv_a")).source, ParamSource::Calibrated);
  EXPECT_EQ(kept.params(shared.find_tensor("conv_a")).zero_points[0], -128);  // relu6: [0, 6] at most
  EXPECT_EQ(kept.params(shared.find_tensor("pool_a")).scales, kept.params(shared.find_tensor("conv_a")).scales);
  EXPECT_NE(kept.params(shared.find_tensor("pool_a")).scales, concat.scales);
  EXPECT_EQ(kept.params(shared.find_tensor("conv_b")).scales, concat.scales);
}

TEST(QuantizePlan, PerTensorAndPerChannelOptions) {
  const Graph g = branchy_classifier();
  QuantOptions per_tensor;
  per_tensor.per_tensor = true;
  for (const auto& [index, w] : plan_quantization(g, observed_ranges(g), per_tensor).weights) EXPECT_EQ(w.scales.size(), 1u);
  QuantOptions per_channel;
  per_channel.all_per_channel = true;
  for (const auto& [index, w] : plan_quantization(g, observed_ranges(g), per_channel).weights)
    EXPECT_GT(w.scales.size(), 1u) << g.nodes[index].name;
}

TEST(QuantizePlan, RefusesOpsWithoutAnInt8KernelNamingThemAll) {
  Graph g;
  const int x = add_input(g, "x", {1, 4});
  const int d1 = add(g, OpKind::Div, "div_one", {x, add_constant(g, "two", {1}, {2.0f})});
  g.outputs = {add(g, OpKind::Div, "div_two", {d1, add_constant(g, "three", {1}, {3.0f})})};
  try {
    plan_quantization(g, observed_ranges(g), {});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unsupported);
    EXPECT_NE(std::string(e.what()).find("'div_one' (Div"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'div_two' (Div"), std::string::npos) << e.what();
  }
}

TEST(QuantizePasses, InsertThenCancelLeavesOnlyEdgesAndNeededRequantizations) {
  const Graph g = branchy_classifier();
  const QuantPlan plan = plan_quantization(g, observed_ranges(g), {});
  const Graph inserted = insert_quantize_dequantize(g, plan);
  // One Dequantize per float output of the 8 nodes; one Quantize per activation input read.
  EXPECT_EQ(count_op(inserted, OpKind::Dequantize), 8);
  EXPECT_EQ(count_op(inserted, OpKind::Quantize), 9);
  const Graph cancelled = cancel_quantize_pairs(inserted);
  // Left: the input's Quantize, the output's Dequantize, and one requantize
  // per concat input whose parameters differ from the concat's (none here:
  // the producers write the concat's).
  int requantize = 0;
  for (const Node& n : cancelled.nodes)
    if (n.op == OpKind::Quantize && cancelled.tensor(n.inputs[0]).dtype == DType::Int8) ++requantize;
  const auto& c = plan.params(g.find_tensor("concat"));
  const int expected = (plan.params(g.find_tensor("pool_a")).scales != c.scales) +
                       (plan.params(g.find_tensor("pool_b")).scales != c.scales);
  EXPECT_EQ(requantize, expected);
  EXPECT_EQ(count_op(cancelled, OpKind::Quantize), 1 + expected);
  EXPECT_EQ(count_op(cancelled, OpKind::Dequantize), 1);
}

TEST(QuantizeGraph, Int8IoKeepsSourceNames) {
  const Graph g = branchy_classifier();
  const QuantizedModel m = quantize_graph(g, observed_ranges(g), {}, IoType::Int8);
  const Tensor &in = m.graph.tensor(m.graph.inputs[0]), &out = m.graph.tensor(m.graph.outputs[0]);
  EXPECT_EQ(in.name, "input");
  EXPECT_EQ(in.dtype, DType::Int8);
  EXPECT_EQ(out.name, "probs");
  EXPECT_EQ(out.dtype, DType::Int8);
  EXPECT_EQ(out.quant.scales[0], 1.0f / 256);
  EXPECT_EQ(count_op(m.graph, OpKind::Dequantize), 0);
  EXPECT_EQ(m.graph.tensor(only_node(m.graph, OpKind::FullyConnected).inputs[1]).name, "wf");
  for (const Tensor& t : m.graph.tensors) EXPECT_NE(t.dtype, DType::Float32) << t.name;
}

TEST(QuantizeGraph, Uint8IoShiftsZeroPointsAndConvertsAtTheEdges) {
  const Graph g = branchy_classifier();
  const calib::CalibrationResult ranges = observed_ranges(g);
  const QuantPlan plan = plan_quantization(g, ranges, {});
  const QuantizedModel m = quantize_graph(g, ranges, {}, IoType::UInt8);
  const Tensor &in = m.graph.tensor(m.graph.inputs[0]), &out = m.graph.tensor(m.graph.outputs[0]);
  EXPECT_EQ(in.dtype, DType::UInt8);
  EXPECT_EQ(in.quant.zero_points[0], plan.params(g.find_tensor("input")).zero_points[0] + 128);
  EXPECT_EQ(out.dtype, DType::UInt8);
  EXPECT_EQ(out.quant.zero_points[0], 0);
  EXPECT_EQ(m.graph.nodes.front().op, OpKind::Quantize);
  EXPECT_EQ(m.graph.nodes.back().op, OpKind::Quantize);
}

TEST(QuantizeGraph, FloatIoComputesWhatTheFloatGraphDoes) {
  const Graph g = branchy_classifier();
  const QuantizedModel m = quantize_graph(g, observed_ranges(g), {}, IoType::Float);
  EXPECT_EQ(m.graph.tensor(m.graph.inputs[0]).dtype, DType::Float32);
  EXPECT_EQ(m.graph.tensor(m.graph.outputs[0]).name, "probs");
  EXPECT_EQ(m.graph.nodes.front().op, OpKind::Quantize);
  EXPECT_EQ(m.graph.nodes.back().op, OpKind::Dequantize);
  // Softmax probabilities at 1/256 per step: a few steps of error at most.
  expect_same_outputs(g, m.graph, 4.0f / 256);
}

}  // namespace
}  // namespace octet::quant
