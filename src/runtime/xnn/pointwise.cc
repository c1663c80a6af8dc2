// Float 1x1 Conv2D nodes (stride 1, no padding, one group) on our own kernel
// (runtime/float_pointwise.h) where the CPU has AVX-512, split by pixels over
// the thread pool; alone on its thread, it summarises its output when asked.
#include <pthreadpool.h>

#include "ops/conv_window.h"
#include "runtime/float_pointwise.h"
#include "runtime/xnn/operator.h"

namespace octet::xnn {
namespace {

// Pixels per task on a thread pool: whole tiles of 7.
constexpr size_t kPixelsPerTask = 7 * 8;

class PointwiseOp : public FastOp {
 public:
  PointwiseOp(FloatPointwiseConv conv, int64_t pixels, int64_t channels, bool summarise, const float* input,
              float* output)
      : conv_(std::move(conv)), pixels_(pixels), channels_(channels), summarise_(summarise), input_(input),
        output_(output) {}

  void run(pthreadpool_t pool) const override {
    if (!pool) {
      if (summarise_) summary_.reset(channels_);
      return conv_.run(input_, output_, 0, pixels_, summarise_ ? &summary_ : nullptr);
    }
    pthreadpool_parallelize_1d_tile_1d(
        pool,
        [](void* self, size_t first, size_t count) {
          const auto* op = static_cast<const PointwiseOp*>(self);
          op->conv_.run(op->input_, op->output_, static_cast<int64_t>(first), static_cast<int64_t>(count), nullptr);
        },
        const_cast<PointwiseOp*>(this), static_cast<size_t>(pixels_), kPixelsPerTask, 0);
  }

  const OutputSummary* summary() const override { return summarise_ ? &summary_ : nullptr; }

 private:
  FloatPointwiseConv conv_;
  int64_t pixels_, channels_;
  bool summarise_;
  const float* input_;
  float* output_;
  mutable OutputSummary summary_;
};

}  // namespace

Mapped map_pointwise(const Binding& b) {
  if (!FloatPointwiseConv::supported()) return refuse("the CPU has no AVX-512");
  if (!constant_weights(b)) return refuse("weights or bias are not constants");
  const Window2D win = window_of(b.node);
  const Shape &x = b.in(0).shape, &w = b.in(1).shape;
  const bool one_by_one = w[1] == 1 && w[2] == 1 && win.group == 1;
  const bool dense = win.strides == std::vector<int64_t>{1, 1} && win.pads == std::vector<int64_t>{0, 0, 0, 0};
  if (!one_by_one || !dense) return refuse("not a 1x1 convolution of stride 1 without padding");
  if (w[0] % 8 != 0) return refuse("output channels are not a multiple of 8");
  const OutputRange range = output_range(activation_of(b.node));
  FloatPointwiseConv conv(x[3], w[0], b.in_data(1), b.optional_in_data(2), range.min, range.max);
  return {std::make_unique<PointwiseOp>(std::move(conv), x[0] * x[1] * x[2], w[0], b.summarise && !b.pool,
                                        b.in_data(0), b.out_data()),
          ""};
}

}  // namespace octet::xnn
