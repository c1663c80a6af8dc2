// The IR keeps a window op's padding explicit ([top,left,bottom,right]);
// TFLite's convolutions and pools only know SAME and VALID. These helpers
// recover SAME / VALID when the pads equal what TFLite computes, and otherwise
// put a padding operator in front of the op, which then runs VALID.
#pragma once
#include <optional>
#include <vector>

#include "export/tflite_op_writer.h"

namespace octet {

// PAD and PADV2 versions (op_version.cc); rank 5 and up needs version 4.
constexpr DTypeVersion kPadVersions[] = {{DType::Int8, 2}, {DType::Int16, 3}};

struct Window2DSpec {
  std::vector<int64_t> kernel, strides, dilations, pads;  // [h,w] x3, [top,left,bottom,right]
};

// VALID when every pad is 0, SAME when the pads are TFLite's SAME pads for the
// node's NHWC input 0; nullopt otherwise.
std::optional<tflite::Padding> implicit_padding(const Shape& input, const Window2DSpec& window);

// What padded positions hold when the padding becomes an operator: real zero
// (PAD; in a quantized tensor the zero point) or the type's lowest value
// (PADV2; a max pool then ignores it, as the IR op does).
enum class PadFill { Zero, Lowest };

// Pads the node's NHWC input 0 by `pads` in a PAD / PADV2 operator; returns
// the padded file tensor.
int add_spatial_pad(TfliteOpWriter& writer, const std::vector<int64_t>& pads, PadFill fill);

// The file tensor the window op reads and the padding it runs with: the
// implicit padding when there is one, else a padding operator and VALID.
struct WindowInput {
  int tensor;
  tflite::Padding padding;
};
WindowInput window_input(TfliteOpWriter& writer, const Window2DSpec& window, PadFill fill);

}  // namespace octet
