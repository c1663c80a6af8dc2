#include "ops/conv_window.h"

#include <algorithm>

#include "import/onnx_importer.h"
#include "ops/op_util.h"

namespace octet {

int64_t Window2D::conv_output(int axis, int64_t in, int64_t kernel) const {
  const int64_t padded = in + pads[axis] + pads[axis + 2];
  return (padded - effective_kernel(axis, kernel)) / strides[axis] + 1;
}

Attributes Window2D::to_attrs() const {
  Attributes attrs;
  attrs.set("strides", strides);
  attrs.set("dilations", dilations);
  attrs.set("pads", pads);
  attrs.set("group", group);
  return attrs;
}

Window2D window_of(const Node& node) {
  Window2D w;
  w.strides = node.attrs.get_ints("strides", w.strides);
  w.dilations = node.attrs.get_ints("dilations", w.dilations);
  w.pads = node.attrs.get_ints("pads", w.pads);
  w.group = node.attrs.get_int("group", 1);
  if (w.strides.size() != 2 || w.dilations.size() != 2 || w.pads.size() != 4)
    shape_error(node, "strides and dilations need 2 values and pads 4");
  for (int i = 0; i < 2; ++i)
    if (w.strides[i] < 1 || w.dilations[i] < 1) shape_error(node, "strides and dilations must be positive");
  for (int64_t p : w.pads)
    if (p < 0) shape_error(node, "pads must not be negative");
  if (w.group < 1) shape_error(node, "group must be positive");
  return w;
}

void check_conv_operands(const Graph& g, const Node& n, const Window2D& win) {
  const Shape& x = input_of(g, n, 0).shape;
  const Shape& w = input_of(g, n, 1).shape;
  if (x.size() != 4 || w.size() != 4)
    shape_error(n, "input " + shape_string(x) + " and weights " + shape_string(w) + " must be 4-D");
  if (x[3] % win.group || w[3] * win.group != x[3] || w[0] % win.group)
    shape_error(n, "weights " + shape_string(w) + " do not fit " + std::to_string(x[3]) + " input channels in " +
                       std::to_string(win.group) + " groups");
  if (n.has_input(2) && input_of(g, n, 2).element_count() != w[0])
    shape_error(n, "bias " + shape_string(input_of(g, n, 2).shape) + " does not have " + std::to_string(w[0]) +
                       " values");
}

ConvWindow conv_window(const Window2D& win, const Shape& image, const Shape& weights, const Shape& pixels) {
  ConvWindow cw;
  cw.in_h = image[1], cw.in_w = image[2], cw.channels = image[3];
  cw.out_h = pixels[1], cw.out_w = pixels[2];
  cw.kernel_h = weights[1], cw.kernel_w = weights[2];
  cw.stride_h = win.strides[0], cw.stride_w = win.strides[1];
  cw.dilation_h = win.dilations[0], cw.dilation_w = win.dilations[1];
  cw.pad_top = win.pads[0], cw.pad_left = win.pads[1];
  return cw;
}

std::vector<int64_t> same_pads(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                               bool odd_at_end) {
  const int64_t out = (in + stride - 1) / stride;
  const int64_t total = std::max<int64_t>((out - 1) * stride + (kernel - 1) * dilation + 1 - in, 0);
  const int64_t small = total / 2;
  return odd_at_end ? std::vector<int64_t>{small, total - small} : std::vector<int64_t>{total - small, small};
}

std::vector<int64_t> tflite_pads(tflite::Padding padding, const Shape& in_hw, const Shape& kernel_hw,
                                 const Window2D& window) {
  if (padding == tflite::Padding_VALID) return {0, 0, 0, 0};
  std::vector<int64_t> h = same_pads(in_hw[0], kernel_hw[0], window.strides[0], window.dilations[0], true);
  std::vector<int64_t> w = same_pads(in_hw[1], kernel_hw[1], window.strides[1], window.dilations[1], true);
  return {h[0], w[0], h[1], w[1]};
}

// ONNX lists one value per spatial axis (pads: all begins, then all ends);
// a 1-D window gets the neutral value for the added H axis.
static std::vector<int64_t> onnx_axis_values(const OnnxNodeImporter& node, const char* name,
                                             int spatial_rank, int per_axis, int64_t neutral) {
  const size_t expected = static_cast<size_t>(spatial_rank * per_axis);
  std::vector<int64_t> v = node.attr_ints(name, std::vector<int64_t>(expected, per_axis == 1 ? 1 : 0));
  if (v.size() != expected)
    node.bad_shape(std::string(name) + " has " + std::to_string(v.size()) + " values for " +
                   std::to_string(spatial_rank) + " spatial axes");
  if (spatial_rank == 2) return v;
  if (per_axis == 1) return {neutral, v[0]};
  return {neutral, v[0], neutral, v[1]};
}

Window2D onnx_window(const OnnxNodeImporter& node, int spatial_rank) {
  Window2D w;
  w.strides = onnx_axis_values(node, "strides", spatial_rank, 1, 1);
  w.dilations = onnx_axis_values(node, "dilations", spatial_rank, 1, 1);
  w.pads = onnx_axis_values(node, "pads", spatial_rank, 2, 0);
  w.group = node.attr_int("group", 1);
  return w;
}

Shape spatial_hw(const Shape& shape, int spatial_rank) {
  const size_t rank = shape.size();
  if (spatial_rank == 1) return {1, shape[rank - 1]};
  return {shape[rank - 2], shape[rank - 1]};
}

void check_onnx_kernel_shape(const OnnxNodeImporter& node, const Shape& kernel_hw, int spatial_rank) {
  if (!node.has_attr("kernel_shape")) return;
  std::vector<int64_t> given = node.attr_ints("kernel_shape");
  Shape expected(kernel_hw.end() - spatial_rank, kernel_hw.end());
  if (given != expected)
    node.bad_shape("kernel_shape " + shape_string(given) + " does not match the weights' " +
                   shape_string(expected));
}

int reshape_to(NodeBuilder& node, int tensor_id, const Shape& shape) {
  Attributes attrs;
  attrs.set("shape", shape);
  return node.add(OpKind::Reshape, {tensor_id}, std::move(attrs));
}

int onnx_input_as_nhwc(NodeBuilder& node, int tensor_id, int spatial_rank) {
  if (spatial_rank == 1) {
    const Shape s = node.tensor(tensor_id).shape;
    tensor_id = reshape_to(node, tensor_id, {s[0], s[1], 1, s[2]});
  }
  return node.to_channels_last(tensor_id);
}

void emit_nhwc_as_onnx(NodeBuilder& node, int tensor_id, int spatial_rank) {
  Attributes to_nchw;
  to_nchw.set("perm", std::vector<int64_t>{0, 3, 1, 2});
  if (spatial_rank == 2) return node.emit(OpKind::Transpose, {tensor_id}, std::move(to_nchw));
  const Shape s = node.tensor(tensor_id).shape;
  tensor_id = node.add(OpKind::Transpose, {tensor_id}, std::move(to_nchw));
  Attributes shape;
  shape.set("shape", Shape{s[0], s[3], s[2]});
  node.emit(OpKind::Reshape, {tensor_id}, std::move(shape));
}

}  // namespace octet
