// Quantized graphs built by hand as octet's quantizer lays them out: int8
// activations with per-tensor parameters, int8 weights with per-channel
// parameters on axis 0, int32 biases at input scale * weight scale,
// Quantize / Dequantize at the edges. Shared by the TFLite writer tests and
// the conformance tests that run the written file in other runtimes (TFLite,
// Arm NN), with seeded input sets for them.
#pragma once
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "export_test_util.h"
#include "ops/quantize.h"

namespace octet::export_test {

inline QuantParams per_tensor(float scale, int64_t zero_point) { return {{scale}, {zero_point}, -1}; }

inline QuantParams per_channel(std::vector<float> scales) {
  std::vector<int64_t> zeros(scales.size(), 0);
  return {std::move(scales), std::move(zeros), 0};
}

// Int8 weights with values -5..5 in a fixed pattern.
inline int int8_weights(Graph& g, const std::string& name, Shape shape, QuantParams quant) {
  std::vector<int8_t> values(element_count(shape));
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<int8_t>(static_cast<int>(i * 7 % 11) - 5);
  Tensor t = make_constant<int8_t>(name, std::move(shape), values);
  t.quant = std::move(quant);
  return g.add_tensor(std::move(t));
}

// An int32 bias of `count` values whose scales are input_scale * weight_scales
// (one weight scale: per tensor).
inline int int32_bias(Graph& g, const std::string& name, int64_t count, float input_scale,
                      const std::vector<float>& weight_scales) {
  std::vector<float> scales;
  for (float s : weight_scales) scales.push_back(input_scale * s);
  std::vector<int32_t> values(count);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<int32_t>(100 * i) - 150;
  Tensor t = make_constant<int32_t>(name, {static_cast<int64_t>(values.size())}, values);
  t.quant = scales.size() == 1 ? per_tensor(scales[0], 0) : per_channel(scales);
  return g.add_tensor(std::move(t));
}

inline int quantized(Graph& g, int tensor, QuantParams quant) {
  g.tensor(tensor).quant = std::move(quant);
  return tensor;
}

inline const std::vector<float> kConvScales{0.01f, 0.02f, 0.03f, 0.04f};
inline const std::vector<float> kDepthwiseScales{0.5f, 0.25f, 0.125f, 0.0625f};

// float input -> QUANTIZE -> CONV_2D (per-channel, relu6) -> DEPTHWISE_CONV_2D
// (per-channel) -> AVERAGE_POOL_2D -> RESHAPE -> FULLY_CONNECTED (per-tensor)
// -> ADD (with a second FULLY_CONNECTED, per-channel) -> SOFTMAX -> DEQUANTIZE.
inline Graph quantized_classifier() {
  Graph g;
  const int x = add_input(g, "input", {1, 8, 8, 3});
  int y = add(g, OpKind::Quantize, "quantize", {x}, quantize_attrs(DType::Int8, per_tensor(0.02f, -3)));
  Attributes conv = attrs_of({{"strides", std::vector<int64_t>{1, 1}}, {"dilations", std::vector<int64_t>{1, 1}},
                              {"pads", std::vector<int64_t>{1, 1, 1, 1}}, {"group", int64_t{1}},
                              {"activation", std::string("relu6")}});
  y = add(g, OpKind::Conv2D, "conv",
          {y, int8_weights(g, "conv/weights", {4, 3, 3, 3}, per_channel(kConvScales)),
           int32_bias(g, "conv/bias", 4, 0.02f, kConvScales)},
          conv);
  y = quantized(g, y, per_tensor(0.05f, -128));
  Attributes depthwise = conv;
  depthwise.set("group", int64_t{4});
  depthwise.set("strides", std::vector<int64_t>{2, 2});
  depthwise.set("pads", std::vector<int64_t>{0, 0, 1, 1});
  depthwise.set("activation", std::string("none"));
  y = add(g, OpKind::Conv2D, "depthwise",
          {y, int8_weights(g, "depthwise/weights", {4, 3, 3, 1}, per_channel(kDepthwiseScales)),
           int32_bias(g, "depthwise/bias", 4, 0.05f, kDepthwiseScales)},
          depthwise);
  y = quantized(g, y, per_tensor(0.1f, 2));
  y = add(g, OpKind::AvgPool2D, "pool", {y},
          attrs_of({{"kernel", std::vector<int64_t>{2, 2}}, {"strides", std::vector<int64_t>{2, 2}},
                    {"dilations", std::vector<int64_t>{1, 1}}, {"pads", std::vector<int64_t>{0, 0, 0, 0}}}));
  y = quantized(g, y, per_tensor(0.1f, 2));
  y = add(g, OpKind::Reshape, "flatten", {y}, attrs_of({{"shape", std::vector<int64_t>{1, 16}}}));
  y = quantized(g, y, per_tensor(0.1f, 2));
  const int fc = quantized(g,
                           add(g, OpKind::FullyConnected, "fc",
                               {y, int8_weights(g, "fc/weights", {10, 16}, per_tensor(0.003f, 0)),
                                int32_bias(g, "fc/bias", 10, 0.1f, {0.003f})}),
                           per_tensor(0.2f, 5));
  std::vector<float> fc2_scales(10, 0.004f);
  fc2_scales[3] = 0.008f;
  const int fc2 = quantized(g,
                            add(g, OpKind::FullyConnected, "fc2",
                                {y, int8_weights(g, "fc2/weights", {10, 16}, per_channel(fc2_scales)),
                                 int32_bias(g, "fc2/bias", 10, 0.1f, fc2_scales)}),
                            per_tensor(0.15f, -1));
  y = quantized(g, add(g, OpKind::Add, "add", {fc, fc2}), per_tensor(0.3f, 4));
  y = quantized(g, add(g, OpKind::Softmax, "softmax", {y}), per_tensor(1.0f / 256, -128));
  g.outputs = {add(g, OpKind::Dequantize, "probabilities", {y}, dequantize_attrs(per_tensor(1.0f / 256, -128)))};
  return g;
}

// uint8 pixels (scale 1/255, zero point 0) -> Quantize to int8 (requantize)
// -> Relu -> Quantize back to uint8: an int8 model with uint8 edges.
inline Graph unsigned_edges_graph() {
  Graph g;
  const int x = add_input(g, "pixels", {1, 4, 4, 3}, DType::UInt8, per_tensor(1.0f / 255, 0));
  int y = add(g, OpKind::Quantize, "to_int8", {x},
              quantize_attrs(DType::Int8, per_tensor(1.0f / 255, -128), per_tensor(1.0f / 255, 0)));
  y = quantized(g, add(g, OpKind::Relu, "relu", {y}), per_tensor(1.0f / 255, -128));
  g.outputs = {add(g, OpKind::Quantize, "to_uint8", {y},
                   quantize_attrs(DType::UInt8, per_tensor(1.0f / 255, 0), per_tensor(1.0f / 255, -128)))};
  return g;
}

// int8 in, int8 out (no Quantize / Dequantize at the edges): convolution with
// per-channel weights and a fused ReLU, max pooling, fully connected.
inline Graph int8_edges_graph() {
  Graph g;
  int y = add_input(g, "pixels", {1, 6, 6, 3}, DType::Int8, per_tensor(0.02f, -3));
  Attributes conv = attrs_of({{"strides", std::vector<int64_t>{1, 1}}, {"dilations", std::vector<int64_t>{1, 1}},
                              {"pads", std::vector<int64_t>{0, 0, 0, 0}}, {"group", int64_t{1}},
                              {"activation", std::string("relu")}});
  y = add(g, OpKind::Conv2D, "conv",
          {y, int8_weights(g, "conv/weights", {4, 3, 3, 3}, per_channel(kConvScales)),
           int32_bias(g, "conv/bias", 4, 0.02f, kConvScales)},
          conv);
  y = quantized(g, y, per_tensor(0.03f, -128));
  y = add(g, OpKind::MaxPool2D, "pool", {y},
          attrs_of({{"kernel", std::vector<int64_t>{2, 2}}, {"strides", std::vector<int64_t>{2, 2}},
                    {"dilations", std::vector<int64_t>{1, 1}}, {"pads", std::vector<int64_t>{0, 0, 0, 0}}}));
  y = quantized(g, y, per_tensor(0.03f, -128));
  y = quantized(g, add(g, OpKind::Reshape, "flatten", {y}, attrs_of({{"shape", std::vector<int64_t>{1, 16}}})),
                per_tensor(0.03f, -128));
  g.outputs = {quantized(g,
                         add(g, OpKind::FullyConnected, "logits",
                             {y, int8_weights(g, "fc/weights", {10, 16}, per_tensor(0.01f, 0)),
                              int32_bias(g, "fc/bias", 10, 0.03f, {0.01f})}),
                         per_tensor(0.05f, 3))};
  return g;
}

// One input set: a tensor with data per graph input.
using InputSet = std::vector<Tensor>;

// Seeded float inputs in [-range, range) for a graph with one float input.
inline std::vector<InputSet> seeded_float_sets(const Graph& graph, int count, float range) {
  const Tensor& input = graph.tensor(graph.inputs[0]);
  std::vector<InputSet> sets;
  for (int s = 0; s < count; ++s) {
    std::vector<float> values = seeded_values(input.element_count(), 100 + s);
    for (float& v : values) v *= range;
    sets.push_back({make_constant<float>(input.name, input.shape, values)});
  }
  return sets;
}

// Seeded int8 inputs covering the whole range, for a graph with one int8 input.
inline std::vector<InputSet> seeded_int8_sets(const Graph& graph, int count) {
  const Tensor& input = graph.tensor(graph.inputs[0]);
  std::vector<InputSet> sets;
  for (int s = 0; s < count; ++s) {
    std::vector<int8_t> values;
    for (float v : seeded_values(input.element_count(), 200 + s))
      values.push_back(static_cast<int8_t>(std::clamp(std::lround(v * 128), -128L, 127L)));
    Tensor t = make_constant<int8_t>(input.name, input.shape, values);
    t.quant = input.quant;
    sets.push_back({std::move(t)});
  }
  return sets;
}

}  // namespace octet::export_test
