// FullyConnected on XNNPACK: the IR's weights [O,K] are XNNPACK's own
// [output channels][input channels], and every leading dimension of the input
// [...,K] is a batch row.
#include "runtime/xnn/operator.h"

namespace octet::xnn {

Mapped map_fully_connected(const Binding& b) {
  if (!constant_weights(b)) return refuse("weights or bias are not constants");
  const Shape& w = b.in(1).shape;
  const size_t units = w[0], depth = w[1], rows = b.in(0).element_count() / depth;
  const OutputRange range = output_range(activation_of(b.node));
  xnn_operator_t op = nullptr;
  const xnn_status created =
      xnn_create_fully_connected_nc_f32(depth, units, depth, units, b.in_data(1), b.optional_in_data(2),
                                        range.min, range.max, 0, &op);
  return set_up("fully connected", created, op, [&](xnn_operator_t op) {
    return xnn_setup_fully_connected_nc_f32(op, rows, b.in_data(0), b.out_data(), b.pool);
  });
}

}  // namespace octet::xnn
