// Bilinear Resize on XNNPACK, NHWC. XNNPACK maps output pixels with the scale
// in/out and one of TFLite's three coordinate rules: half-pixel centers (its
// default), align_corners, or TensorFlow's legacy asymmetric rule. An ONNX
// scale that is not out/in, and the other ONNX modes, stay on the reference.
#include <cmath>

#include "runtime/xnn/operator.h"

namespace octet::xnn {

namespace {

// XNNPACK's flags for the node's coordinate mode; false when it has none.
bool coordinate_flags(const Node& n, const Shape& in, const Shape& out, uint32_t& flags) {
  const std::vector<float> scales = n.attrs.get_floats("scales");
  for (size_t axis = 0; axis < scales.size(); ++axis) {
    const double ratio = static_cast<double>(out[1 + axis]) / in[1 + axis];
    if (std::abs(scales[axis] - ratio) > 1e-6 * ratio) return false;
  }
  const std::string mode = n.attrs.get_string("coordinate_transformation_mode", "half_pixel");
  // pytorch_half_pixel differs from half_pixel only for outputs of length 1.
  const bool half_pixel = mode == "half_pixel" || (mode == "pytorch_half_pixel" && out[1] > 1 && out[2] > 1);
  flags = mode == "align_corners" ? XNN_FLAG_ALIGN_CORNERS : mode == "asymmetric" ? XNN_FLAG_TENSORFLOW_LEGACY_MODE : 0;
  return half_pixel || flags != 0;
}

}  // namespace

Mapped map_resize(const Binding& b) {
  if (b.node.attrs.get_string("mode", "nearest") != "linear") return refuse("XNNPACK resizes only bilinearly");
  const Shape &x = b.in(0).shape, &y = b.out().shape;
  uint32_t flags = 0;
  if (!coordinate_flags(b.node, x, y, flags)) return refuse("no XNNPACK coordinate rule matches this resize");
  xnn_operator_t op = nullptr;
  const xnn_status created = xnn_create_resize_bilinear2d_nhwc_f32(x[3], x[3], x[3], flags, &op);
  return set_up("bilinear resize", created, op, [&](xnn_operator_t op) {
    return xnn_setup_resize_bilinear2d_nhwc_f32(op, x[0], x[1], x[2], y[1], y[2], b.in_data(0), b.out_data(),
                                                b.pool);
  });
}

}  // namespace octet::xnn
