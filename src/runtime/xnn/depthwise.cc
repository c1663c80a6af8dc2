// Float depthwise Conv2D nodes on our own kernel (runtime/float_depthwise.h),
// split by output rows over the thread pool.
#include <pthreadpool.h>

#include "ops/conv_window.h"
#include "runtime/float_depthwise.h"
#include "runtime/xnn/operator.h"

namespace octet::xnn {
namespace {

class DepthwiseOp : public FastOp {
 public:
  DepthwiseOp(const DepthwiseGeometry& geometry, const float* weights, const float* bias, const float* input,
              float* output)
      : conv_(geometry, weights, bias), input_(input), output_(output) {}

  void run(pthreadpool_t pool) const override {
    if (!pool) return conv_.run_rows(input_, output_, 0, conv_.rows());
    pthreadpool_parallelize_1d_tile_1d(
        pool,
        [](void* self, size_t first, size_t count) {
          const auto* op = static_cast<const DepthwiseOp*>(self);
          op->conv_.run_rows(op->input_, op->output_, static_cast<int64_t>(first), static_cast<int64_t>(count));
        },
        const_cast<DepthwiseOp*>(this), static_cast<size_t>(conv_.rows()), 4, 0);
  }

 private:
  FloatDepthwiseConv conv_;
  const float* input_;
  float* output_;
};

}  // namespace

DepthwiseGeometry depthwise_geometry(const Node& node, const Shape& x, const Shape& w, const Shape& y) {
  const Window2D win = window_of(node);
  DepthwiseGeometry g;
  g.batch = x[0];
  g.in_h = x[1];
  g.in_w = x[2];
  g.channels = x[3];
  g.out_h = y[1];
  g.out_w = y[2];
  g.kernel_h = w[1];
  g.kernel_w = w[2];
  g.stride_h = win.strides[0];
  g.stride_w = win.strides[1];
  g.dilation_h = win.dilations[0];
  g.dilation_w = win.dilations[1];
  g.pad_top = win.pads[0];
  g.pad_left = win.pads[1];
  const OutputRange range = output_range(activation_of(node));
  g.out_min = range.min;
  g.out_max = range.max;
  return g;
}

Mapped map_depthwise(const Binding& b) {
  if (!constant_weights(b)) return refuse("weights or bias are not constants");
  const Shape &x = b.in(0).shape, &w = b.in(1).shape;
  if (window_of(b.node).group != x[3] || w[0] != x[3] || w[3] != 1)
    return refuse("not depthwise with one output per channel");
  if (x[3] % FloatDepthwiseConv::kLanes != 0) return refuse("channels are not a multiple of 8");
  const DepthwiseGeometry g = depthwise_geometry(b.node, x, w, b.out().shape);
  return {std::make_unique<DepthwiseOp>(g, b.in_data(1), b.optional_in_data(2), b.in_data(0), b.out_data()), ""};
}

}  // namespace octet::xnn
