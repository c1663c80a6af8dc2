// The sliding-window attributes Conv2D and ConvTranspose2D share ("strides",
// "dilations", "pads" [top,left,bottom,right], "group"), and the importers'
// translations of implicit padding (ONNX auto_pad, TFLite SAME/VALID) into
// the explicit pads the IR stores.
#pragma once
#include <cstdint>
#include <vector>

#include "graph/graph.h"
#include "import/node_builder.h"
#include "runtime/gemm.h"
#include "tflite_generated.h"

namespace octet {

class OnnxNodeImporter;

struct Window2D {
  std::vector<int64_t> strides{1, 1};
  std::vector<int64_t> dilations{1, 1};
  std::vector<int64_t> pads{0, 0, 0, 0};  // top, left, bottom, right
  int64_t group = 1;

  int64_t effective_kernel(int axis, int64_t kernel) const { return (kernel - 1) * dilations[axis] + 1; }
  // The forward convolution's output size along `axis` (0 = H, 1 = W).
  int64_t conv_output(int axis, int64_t in, int64_t kernel) const;
  Attributes to_attrs() const;
};

// Reads and checks a node's window attributes; shape_error on malformed ones.
Window2D window_of(const Node& node);
// Checks a Conv2D / ConvTranspose2D node's operands: 4-D input [N,H,W,C] and
// weights [O,KH,KW,C/group] with group dividing C and O, and a bias of O values.
void check_conv_operands(const Graph& graph, const Node& node, const Window2D& window);
// The kernel geometry of the forward convolution from `image` to `pixels`
// (both NHWC) with OHWI `weights`.
ConvWindow conv_window(const Window2D& window, const Shape& image, const Shape& weights, const Shape& pixels);

// [begin, end] padding that keeps out = ceil(in / stride): TFLite SAME and
// ONNX SAME_UPPER put the odd pixel at the end, ONNX SAME_LOWER at the start.
std::vector<int64_t> same_pads(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                               bool odd_at_end);

// Explicit pads for TFLite SAME / VALID over an [H,W] input and [KH,KW] kernel.
std::vector<int64_t> tflite_pads(tflite::Padding padding, const Shape& in_hw, const Shape& kernel_hw,
                                 const Window2D& window);

// ONNX strides, dilations, pads and group for a node with 1 or 2 spatial
// axes, as a 2-D window (a 1-D window becomes one of height 1). auto_pad is
// left to the caller: Conv and ConvTranspose resolve it differently.
Window2D onnx_window(const OnnxNodeImporter& node, int spatial_rank);
// The last `spatial_rank` dims of `shape` as [H,W] (H = 1 for one axis).
Shape spatial_hw(const Shape& shape, int spatial_rank);
// Checks an ONNX kernel_shape attribute, when present, against the weights.
void check_onnx_kernel_shape(const OnnxNodeImporter& node, const Shape& kernel_hw, int spatial_rank);

// A Reshape node (or folded constant) giving `tensor_id` the static `shape`.
int reshape_to(NodeBuilder& node, int tensor_id, const Shape& shape);
// ONNX's channels-first operand as the NHWC input of a 2-D IR op: [N,C,H,W] ->
// [N,H,W,C], and [N,C,L] -> [N,1,L,C].
int onnx_input_as_nhwc(NodeBuilder& node, int tensor_id, int spatial_rank);
// Emits the 2-D IR op's NHWC result back in ONNX's layout: [N,H,W,C] ->
// [N,C,H,W], or [N,C,L] when the source op had one spatial axis.
void emit_nhwc_as_onnx(NodeBuilder& node, int tensor_id, int spatial_rank);

}  // namespace octet
