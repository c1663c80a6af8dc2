// Conv2D and ConvTranspose2D on XNNPACK. The IR's weights [O,KH,KW,C/group]
// are XNNPACK's own layout [groups][group outputs][KH][KW][group inputs], so
// they are handed over as they are; a depthwise node is the case of one
// input channel per group, which XNNPACK detects and gives its depthwise
// kernels, unless ours takes it (depthwise.cc; 1x1 ones: pointwise.cc).
// XNNPACK's padding arguments run top, right, bottom, left.
#include "ops/conv_window.h"
#include "runtime/xnn/operator.h"

namespace octet::xnn {

Mapped map_conv2d(const Binding& b) {
  if (!constant_weights(b)) return refuse("weights or bias are not constants");
  const Window2D win = window_of(b.node);
  if (b.own_kernels)
    if (Mapped own = win.group > 1 ? map_depthwise(b) : map_pointwise(b); own.op) return own;
  const Shape &x = b.in(0).shape, &w = b.in(1).shape;
  const OutputRange range = output_range(activation_of(b.node));
  xnn_operator_t op = nullptr;
  const xnn_status created = xnn_create_convolution2d_nhwc_f32(
      u32(win.pads[0]), u32(win.pads[3]), u32(win.pads[2]), u32(win.pads[1]), u32(w[1]), u32(w[2]),
      u32(win.strides[0]), u32(win.strides[1]), u32(win.dilations[0]), u32(win.dilations[1]), u32(win.group),
      w[3], w[0] / win.group, x[3], w[0], b.in_data(1), b.optional_in_data(2), range.min, range.max, 0, &op);
  return set_up("convolution", created, op, [&](xnn_operator_t op) {
    return xnn_setup_convolution2d_nhwc_f32(op, x[0], x[1], x[2], b.in_data(0), b.out_data(), b.pool);
  });
}

// XNNPACK's output padding is the IR's pads (cropped from the scattered
// output), its adjustment the IR's output_padding (rows added at the end).
Mapped map_conv_transpose2d(const Binding& b) {
  if (!constant_weights(b)) return refuse("weights or bias are not constants");
  const Window2D win = window_of(b.node);
  const std::vector<int64_t> adjustment = b.node.attrs.get_ints("output_padding", {0, 0});
  const Shape &x = b.in(0).shape, &w = b.in(1).shape;
  const OutputRange range = output_range(activation_of(b.node));
  xnn_operator_t op = nullptr;
  const xnn_status created = xnn_create_deconvolution2d_nhwc_f32(
      u32(win.pads[0]), u32(win.pads[3]), u32(win.pads[2]), u32(win.pads[1]), u32(w[1]), u32(w[2]),
      u32(win.strides[0]), u32(win.strides[1]), u32(win.dilations[0]), u32(win.dilations[1]), u32(win.group),
      x[3] / win.group, w[0] / win.group, x[3], w[0], b.in_data(1), b.optional_in_data(2), range.min, range.max, 0,
      &op);
  return set_up("deconvolution", created, op, [&](xnn_operator_t op) {
    return xnn_setup_deconvolution2d_nhwc_f32(op, x[0], x[1], x[2], u32(adjustment[0]), u32(adjustment[1]),
                                              b.in_data(0), b.out_data(), b.pool);
  });
}

}  // namespace octet::xnn
