// Softmax on XNNPACK: over the last dimension, rows of contiguous channels,
// and without TFLite's beta (XNNPACK computes exp(x - max) / sum as is).
#include "runtime/xnn/operator.h"

namespace octet::xnn {

Mapped map_softmax(const Binding& b) {
  const Shape& x = b.in(0).shape;
  const int rank = static_cast<int>(x.size());
  if (normalize_axis(b.node, b.node.attrs.get_int("axis", -1), rank) != rank - 1)
    return refuse("the axis is not the last");
  if (b.node.attrs.get_float("beta", 1.0f) != 1.0f) return refuse("beta is not 1");
  const size_t channels = x.back();
  xnn_operator_t op = nullptr;
  const xnn_status created = xnn_create_softmax_nc_f32(channels, channels, channels, 0, &op);
  return set_up("softmax", created, op, [&](xnn_operator_t op) {
    return xnn_setup_softmax_nc_f32(op, b.in(0).element_count() / channels, b.in_data(0), b.out_data(), b.pool);
  });
}

}  // namespace octet::xnn
