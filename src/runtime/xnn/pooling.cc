// MaxPool2D, AvgPool2D and a spatial ReduceMean (global average pooling) on
// XNNPACK, NHWC like the IR. XNNPACK's padding arguments run top, right,
// bottom, left.
#include <algorithm>
#include <cmath>

#include "ops/conv_window.h"
#include "runtime/xnn/operator.h"

namespace octet::xnn {

namespace {

bool padded(const Window2D& win) { return *std::max_element(win.pads.begin(), win.pads.end()) > 0; }

}  // namespace

// Padding never wins a max in XNNPACK either, dilated or not.
Mapped map_max_pool2d(const Binding& b) {
  const Window2D win = window_of(b.node);
  const std::vector<int64_t> kernel = b.node.attrs.get_ints("kernel");
  const Shape& x = b.in(0).shape;
  const OutputRange range = output_range(activation_of(b.node));
  xnn_operator_t op = nullptr;
  const xnn_status created = xnn_create_max_pooling2d_nhwc_f32(
      u32(win.pads[0]), u32(win.pads[3]), u32(win.pads[2]), u32(win.pads[1]), u32(kernel[0]), u32(kernel[1]),
      u32(win.strides[0]), u32(win.strides[1]), u32(win.dilations[0]), u32(win.dilations[1]), x[3], x[3], x[3],
      range.min, range.max, 0, &op);
  return set_up("max pooling", created, op, [&](xnn_operator_t op) {
    return xnn_setup_max_pooling2d_nhwc_f32(op, x[0], x[1], x[2], b.in_data(0), b.out_data(), b.pool);
  });
}

// XNNPACK averages over the real input pixels of each window (TFLite's rule,
// the IR's default) and has no dilation.
Mapped map_avg_pool2d(const Binding& b) {
  const Window2D win = window_of(b.node);
  if (padded(win) && b.node.attrs.get_int("count_include_pad", 0) != 0)
    return refuse("count_include_pad: XNNPACK never counts padding");
  if (win.dilations[0] > 1 || win.dilations[1] > 1) return refuse("dilated average pooling");
  const std::vector<int64_t> kernel = b.node.attrs.get_ints("kernel");
  const Shape& x = b.in(0).shape;
  const OutputRange range = output_range(activation_of(b.node));
  xnn_operator_t op = nullptr;
  const xnn_status created = xnn_create_average_pooling2d_nhwc_f32(
      u32(win.pads[0]), u32(win.pads[3]), u32(win.pads[2]), u32(win.pads[1]), u32(kernel[0]), u32(kernel[1]),
      u32(win.strides[0]), u32(win.strides[1]), x[3], x[3], x[3], range.min, range.max, 0, &op);
  return set_up("average pooling", created, op, [&](xnn_operator_t op) {
    return xnn_setup_average_pooling2d_nhwc_f32(op, x[0], x[1], x[2], b.in_data(0), b.out_data(), b.pool);
  });
}

// A mean over H and W of an NHWC tensor: the H*W pixels of each image are
// one row of XNNPACK's global average pooling (keepdims does not change the
// output's memory).
Mapped map_reduce_mean(const Binding& b) {
  const Shape& x = b.in(0).shape;
  std::vector<int64_t> axes = b.node.attrs.get_ints("axes");
  for (int64_t& axis : axes) axis = normalize_axis(b.node, axis, static_cast<int>(x.size()));
  std::sort(axes.begin(), axes.end());
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());  // a repeated axis reduces once
  if (x.size() != 4 || axes != std::vector<int64_t>{1, 2}) return refuse("not a mean over H and W of NHWC");
  xnn_operator_t op = nullptr;
  const xnn_status created =
      xnn_create_global_average_pooling_nwc_f32(x[3], x[3], x[3], -INFINITY, INFINITY, 0, &op);
  return set_up("global average pooling", created, op, [&](xnn_operator_t op) {
    return xnn_setup_global_average_pooling_nwc_f32(op, x[0], x[1] * x[2], b.in_data(0), b.out_data(), b.pool);
  });
}

}  // namespace octet::xnn
