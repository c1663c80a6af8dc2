#include "export/tflite_padding.h"

#include <algorithm>
#include <limits>

#include "ops/conv_window.h"

namespace octet {

std::optional<tflite::Padding> implicit_padding(const Shape& input, const Window2DSpec& w) {
  const std::vector<int64_t>& pads = w.pads;
  if (std::all_of(pads.begin(), pads.end(), [](int64_t p) { return p == 0; })) return tflite::Padding_VALID;
  // TFLite's SAME is ONNX's SAME_UPPER: the odd pixel goes to the end.
  for (int axis = 0; axis < 2; ++axis) {
    const std::vector<int64_t> same =
        same_pads(input[1 + axis], w.kernel[axis], w.strides[axis], w.dilations[axis], true);
    if (pads[axis] != same[0] || pads[axis + 2] != same[1]) return std::nullopt;
  }
  return tflite::Padding_SAME;
}

int add_spatial_pad(TfliteOpWriter& writer, const std::vector<int64_t>& pads, PadFill fill) {
  const Tensor& x = writer.input_tensor(0);
  const Shape padded{x.shape[0], x.shape[1] + pads[0] + pads[2], x.shape[2] + pads[1] + pads[3], x.shape[3]};
  TfliteOperator op;
  op.version = version_for(kPadVersions, x.dtype);
  op.inputs = {writer.input(0),
               writer.add_int32s("paddings", {0, 0, pads[0], pads[2], pads[1], pads[3], 0, 0}, {4, 2})};
  if (fill == PadFill::Zero) {
    op.code = tflite::BuiltinOperator_PAD;
  } else {
    op.code = tflite::BuiltinOperator_PADV2;
    op.inputs.push_back(writer.add_constant(scalar_like("lowest", x, std::numeric_limits<float>::lowest())));
  }
  const int out = writer.add_intermediate("padded", x.dtype, padded, x.quant);
  op.outputs = {out};
  writer.add_operator(op);
  return out;
}

WindowInput window_input(TfliteOpWriter& writer, const Window2DSpec& window, PadFill fill) {
  if (auto padding = implicit_padding(writer.input_tensor(0).shape, window)) return {writer.input(0), *padding};
  return {add_spatial_pad(writer, window.pads, fill), tflite::Padding_VALID};
}

}  // namespace octet
