// What the int8 paths of the ops' kernels share. As in TFLite, an op's eval
// dispatches on dtype and its int8 path reads scales and zero points from the
// tensors (TensorView::quant), turns them into the int8 kernel's parameters
// (runtime/int8/*.h "prepare") and runs the kernel. The helpers here read the
// quantization, failing when an int8 tensor has none, and put the node's name
// on every error an int8 path throws (the kernels name only the TFLite op).
#pragma once
#include <string>
#include <vector>

#include "graph/error.h"
#include "graph/op_kind.h"
#include "runtime/int8/params.h"
#include "runtime/kernel.h"

namespace octet {

// Runs `int8_path`; an Error it throws comes out as "node 'x' (Op): <message>".
template <typename F>
void with_node_in_errors(const KernelContext& ctx, F&& int8_path) {
  try {
    int8_path();
  } catch (const Error& e) {
    fail(e.kind(), "node '" + ctx.node.name + "' (" + op_name(ctx.node.op) + "): " + e.what());
  }
}

// True when an input or the output carries quantization: such a node runs
// the quantized kernel. (Ops that also take plain integers, e.g. an ONNX
// integer Clip, keep their raw integer path otherwise.)
bool is_quantized(const KernelContext& ctx);

// The quantization of input `i` / output `i`; Error(Unsupported) when the
// tensor has none.
const QuantParams& input_quant(const KernelContext& ctx, size_t i);
const QuantParams& output_quant(const KernelContext& ctx, size_t i = 0);
// Their per-tensor scale and zero point; Error(Unsupported) also for
// per-channel parameters.
int8::Affine input_affine(const KernelContext& ctx, size_t i);
int8::Affine output_affine(const KernelContext& ctx, size_t i = 0);

// Error(Unsupported) unless input `i` has type `dtype` (e.g. int8 weights, an
// int32 bias next to int8 activations).
void require_input_dtype(const KernelContext& ctx, size_t i, DType dtype);

// The scales of symmetric int8 weights (input `i`): one, or one per index of
// axis 0; Error(Unsupported) for another axis or a nonzero zero point, which
// TFLite's int8 convolution and per-channel fully-connected kernels reject.
const std::vector<float>& symmetric_weight_scales(const KernelContext& ctx, size_t i);

// Input `i` as an int32 bias, or null when the node has none.
const int32_t* int32_bias(const KernelContext& ctx, size_t i);

// Error(Unsupported) unless input 0 and the output are quantized alike: for
// kernels that move or compare raw codes (TFLite requires the same).
void require_same_quantization(const KernelContext& ctx);

// A rank-4 NHWC tensor's extents.
int8::Nhwc nhwc_of(const TensorView& view);

// The int8 code the TFLite writer stores for the constant `value` quantized
// like `quant` (export's scalar_like: PADV2's pad value, the bounds of a
// clip written as MAXIMUM / MINIMUM), so the engine compares with the same codes.
int8_t int8_constant_like(double value, const QuantParams& quant);

}  // namespace octet
