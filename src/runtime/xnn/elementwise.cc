// Elementwise ops on XNNPACK: Add, Sub, Mul, Div with numpy broadcasting and
// a fused activation, and the unary activations XNNPACK has (Relu and Clip
// as a clamp, Sigmoid, HardSwish, LeakyRelu, PRelu with per-channel slopes).
// A unary op sees its tensor as one row of `count` channels: XNNPACK walks
// contiguous rows as one stream anyway.
#include <algorithm>
#include <cmath>

#include "runtime/xnn/operator.h"

namespace octet::xnn {

namespace {

using BinaryCreate = xnn_status (*)(float, float, uint32_t, xnn_operator_t*);
using BinarySetup = xnn_status (*)(xnn_operator_t, size_t, const size_t*, size_t, const size_t*, const float*,
                                   const float*, float*, pthreadpool_t);

struct BinaryOp {
  OpKind kind;
  const char* name;
  BinaryCreate create;
  BinarySetup setup;
};

const BinaryOp kBinaryOps[] = {
    {OpKind::Add, "add", xnn_create_add_nd_f32, xnn_setup_add_nd_f32},
    {OpKind::Sub, "subtract", xnn_create_subtract_nd_f32, xnn_setup_subtract_nd_f32},
    {OpKind::Mul, "multiply", xnn_create_multiply_nd_f32, xnn_setup_multiply_nd_f32},
    {OpKind::Div, "divide", xnn_create_divide_nd_f32, xnn_setup_divide_nd_f32},
};

std::vector<size_t> dims_of(const Shape& shape) { return {shape.begin(), shape.end()}; }

// A constant operand copied into a buffer XNNPACK may read past the end of.
std::vector<float> padded_copy(const TensorView& v) {
  std::vector<float> copy(v.element_count() + kReadPastEnd / sizeof(float));
  std::copy_n(v.as<const float>(), v.element_count(), copy.begin());
  return copy;
}

using UnaryCreate = xnn_status (*)(size_t, size_t, size_t, uint32_t, xnn_operator_t*);
using UnarySetup = xnn_status (*)(xnn_operator_t, size_t, const float*, float*, pthreadpool_t);

// Sets up an operator made by `create(channels, &op)` over the whole tensor.
template <typename Create>
Mapped map_unary(const Binding& b, const char* what, Create create, UnarySetup setup) {
  const size_t count = b.in(0).element_count();
  xnn_operator_t op = nullptr;
  const xnn_status created = create(count, &op);
  return set_up(what, created, op,
                [&](xnn_operator_t op) { return setup(op, 1, b.in_data(0), b.out_data(), b.pool); });
}

Mapped map_plain_unary(const Binding& b, const char* what, UnaryCreate create, UnarySetup setup) {
  return map_unary(b, what, [&](size_t n, xnn_operator_t* op) { return create(n, n, n, 0, op); }, setup);
}

}  // namespace

// XNNPACK broadcasts like numpy up to XNN_MAX_TENSOR_DIMS dimensions.
Mapped map_binary(const Binding& b) {
  const BinaryOp& kind = *std::find_if(std::begin(kBinaryOps), std::end(kBinaryOps),
                                       [&](const BinaryOp& k) { return k.kind == b.node.op; });
  const std::vector<size_t> a_dims = dims_of(b.in(0).shape), b_dims = dims_of(b.in(1).shape);
  if (std::max(a_dims.size(), b_dims.size()) > XNN_MAX_TENSOR_DIMS)
    return refuse("more than " + std::to_string(XNN_MAX_TENSOR_DIMS) + " dimensions");
  std::vector<std::vector<float>> kept;
  const float* operands[2];
  for (size_t i = 0; i < 2; ++i) {
    if (b.is_constant(i)) kept.push_back(padded_copy(b.in(i)));
    operands[i] = b.is_constant(i) ? kept.back().data() : b.in_data(i);
  }
  const OutputRange range = output_range(activation_of(b.node));
  xnn_operator_t op = nullptr;
  const xnn_status created = kind.create(range.min, range.max, 0, &op);
  return set_up(
      kind.name, created, op,
      [&](xnn_operator_t op) {
        return kind.setup(op, a_dims.size(), a_dims.data(), b_dims.size(), b_dims.data(), operands[0],
                          operands[1], b.out_data(), b.pool);
      },
      std::move(kept));
}

// Relu is a clamp at 0; Clip's bounds are attributes (XNNPACK refuses
// min >= max, which the reference kernel then handles).
Mapped map_clamp(const Binding& b) {
  const bool relu = b.node.op == OpKind::Relu;
  const float lo = relu ? 0.0f : b.node.attrs.get_float("min", -INFINITY);
  const float hi = relu ? INFINITY : b.node.attrs.get_float("max", INFINITY);
  return map_unary(
      b, "clamp",
      [&](size_t n, xnn_operator_t* op) { return xnn_create_clamp_nc_f32(n, n, n, lo, hi, 0, op); },
      xnn_setup_clamp_nc_f32);
}

Mapped map_sigmoid(const Binding& b) {
  return map_plain_unary(b, "sigmoid", xnn_create_sigmoid_nc_f32, xnn_setup_sigmoid_nc_f32);
}

Mapped map_hard_swish(const Binding& b) {
  return map_plain_unary(b, "hardswish", xnn_create_hardswish_nc_f32, xnn_setup_hardswish_nc_f32);
}

Mapped map_leaky_relu(const Binding& b) {
  const float alpha = b.node.attrs.get_float("alpha", 0.01f);
  return map_unary(
      b, "leaky relu",
      [&](size_t n, xnn_operator_t* op) { return xnn_create_leaky_relu_nc_f32(n, n, n, alpha, 0, op); },
      xnn_setup_leaky_relu_nc_f32);
}

// XNNPACK's PReLU has one slope per channel of the last dimension: the slope
// must be a constant that varies along that dimension only (or not at all).
Mapped map_prelu(const Binding& b) {
  const TensorView &x = b.in(0), &slope = b.in(1);
  if (!b.is_constant(1)) return refuse("the slope is not a constant");
  const size_t channels = x.rank() ? x.shape.back() : 1;
  const int64_t slopes = slope.element_count();
  const bool per_channel = slope.rank() && slope.shape.back() == slopes && slopes == static_cast<int64_t>(channels);
  if (slopes != 1 && !per_channel) return refuse("the slope varies along a dimension other than the last");
  std::vector<float> per_channel_slope(channels, slope.as<const float>()[0]);
  if (per_channel) std::copy_n(slope.as<const float>(), channels, per_channel_slope.begin());
  xnn_operator_t op = nullptr;
  const xnn_status created =
      xnn_create_prelu_nc_f32(channels, channels, channels, per_channel_slope.data(), 0, &op);  // packs a copy
  return set_up("prelu", created, op, [&](xnn_operator_t op) {
    return xnn_setup_prelu_nc_f32(op, x.element_count() / channels, b.in_data(0), b.out_data(), b.pool);
  });
}

}  // namespace octet::xnn
