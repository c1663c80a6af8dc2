// The parameters of Quantize and Dequantize nodes. The graph keeps
// quantization on tensors (Tensor::quant), but a kernel sees buffers only, so
// these two ops also carry, as attributes, the per-tensor scale and zero point
// they apply; their shape inference copies them onto (Quantize's output) or
// checks them against (the quantized input) the tensors.
//   Quantize:   "to" (an octet::DType), "scale" and "zero_point" of the output;
//               for an integer input (requantize) also "input_scale" and
//               "input_zero_point".
//   Dequantize: "scale" and "zero_point" of the input.
#pragma once
#include <string>

#include "graph/graph.h"
#include "runtime/kernel.h"

namespace octet {

// Attributes of a Quantize node to `to` with per-tensor `output` parameters;
// `input` gives an integer input's parameters (empty for a float input).
Attributes quantize_attrs(DType to, const QuantParams& output, const QuantParams& input = {});
// Attributes of a Dequantize node whose input has per-tensor `input` parameters.
Attributes dequantize_attrs(const QuantParams& input);

// The per-tensor parameters in attributes "<prefix>scale" and
// "<prefix>zero_point"; empty when the node has none.
QuantParams quant_attrs_of(const Node& node, const std::string& prefix);
// shape_error unless `tensor` is unquantized or quantized exactly as `attrs` say.
void check_tensor_quant(const Node& node, const Tensor& tensor, const QuantParams& attrs);

// The real values of an int8 / uint8 / int16 buffer, scale * float(q - zero_point)
// as TFLite's DEQUANTIZE computes them (float16 is widened instead).
void dequantize_buffer(const TensorView& q, const QuantParams& params, float* out);

}  // namespace octet
