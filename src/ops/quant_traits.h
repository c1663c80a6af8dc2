// How an op is quantized to int8, as data on its OpDef (the TFLite
// quantization spec's per-op constraints, not branches in the quantizer):
// what its output's parameters are, which inputs must share them, and which
// inputs are weights and biases.
//
// Every float activation becomes int8, asymmetric, per tensor. A float
// constant in an activation slot (Mul's scale, PRelu's alpha, a constant Add
// operand) is quantized the same way from its own min and max. Integer inputs
// (indices, shapes) are left as they are.
#pragma once
#include <cstdint>

namespace octet {

struct QuantTraits {
  enum class Output {
    None,         // no int8 TFLite kernel: the quantizer refuses the node
    Calibrated,   // from the output's calibrated range
    SameAsInput,  // exactly input 0's parameters (pooling, reshape, pad, ...)
    Fixed,        // fixed_scale / fixed_zero_point (softmax, logistic, tanh)
  };
  Output output = Output::None;
  float fixed_scale = 0.0f;
  int32_t fixed_zero_point = 0;
  // Every activation input is requantized to the output's parameters
  // (concatenation: TFLite's int8 kernel copies bytes).
  bool inputs_share_output = false;
  // Symmetric int8 weights at input `weights` (per channel along axis 0 of
  // the IR's OHWI / [O,K] layout when `per_channel`, the default the spec
  // gives the op) and an int32 bias at input `bias` with scale
  // input_scale * weight_scale.
  int weights = -1;
  int bias = -1;
  bool per_channel = false;

  bool quantizable() const { return output != Output::None; }

  static QuantTraits calibrated() { return {Output::Calibrated}; }
  static QuantTraits same_as_input() { return {Output::SameAsInput}; }
  static QuantTraits fixed(float scale, int32_t zero_point) { return {Output::Fixed, scale, zero_point}; }
  static QuantTraits shared_with_inputs() {
    QuantTraits t{Output::Calibrated};
    t.inputs_share_output = true;
    return t;
  }
  static QuantTraits weighted(int weights, int bias, bool per_channel) {
    QuantTraits t{Output::Calibrated};
    t.weights = weights;
    t.bias = bias;
    t.per_channel = per_channel;
    return t;
  }
};

}  // namespace octet
