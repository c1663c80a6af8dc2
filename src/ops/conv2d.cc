// Conv2D: NHWC input [N,H,W,C], OHWI weights [O,KH,KW,C/group], optional bias
// [O], explicit window attributes (conv_window.h) and a fused activation.
// Depthwise convolution is the case group == C.
//
// Kernels: a depthwise convolution runs a direct loop (it has too little work
// per output for a matrix product to pay); everything else is im2col plus one
// GEMM per group, and a 1x1 stride-1 unpadded convolution is a GEMM straight
// over the input pixels.
#include <Eigen/Core>
#include <algorithm>

#include "export/tflite_padding.h"
#include "import/onnx_importer.h"
#include "import/tflite_importer.h"
#include "ops/conv_window.h"
#include "ops/int8_eval.h"
#include "ops/op_def.h"
#include "ops/op_util.h"
#include "runtime/gemm.h"
#include "runtime/int8/conv2d.h"
#include "runtime/int8/conv2d_depthwise.h"
#include "runtime/int8/conv2d_gemm.h"
#include "runtime/int8/kernel_choice.h"
#include "runtime/kernel.h"

namespace octet {
namespace {

void infer_conv2d(Graph& g, const Node& n) {
  const Window2D win = window_of(n);
  check_conv_operands(g, n, win);
  const Shape &x = input_of(g, n, 0).shape, &w = input_of(g, n, 1).shape;
  const int64_t oh = win.conv_output(0, x[1], w[1]), ow = win.conv_output(1, x[2], w[2]);
  if (oh < 1 || ow < 1) shape_error(n, "kernel " + shape_string(w) + " does not fit the padded input " + shape_string(x));
  set_output(g, n, 0, input_of(g, n, 0).dtype, {x[0], oh, ow, w[0]});
}

// The taps [first, last) of one kernel axis that land inside the input when
// the window starts at `origin` (= out * stride - pad).
void inside_taps(int64_t origin, int64_t dilation, int64_t kernel, int64_t size, int64_t& first, int64_t& last) {
  first = origin >= 0 ? 0 : (-origin + dilation - 1) / dilation;
  last = origin >= size ? 0 : std::min(kernel, (size - 1 - origin) / dilation + 1);
}

// Channels per step of the depthwise inner loop: two SSE registers' worth,
// kept in registers across all taps of an output pixel.
constexpr int64_t kChannelBlock = 8;
using ChannelBlock = Eigen::Array<float, kChannelBlock, 1>;

// Output channel o = c*M + m reads input channel c only. Weights are regrouped
// tap-major so each tap's channels are contiguous, like the NHWC input's.
void depthwise_conv(const float* x, const float* w, const float* bias, const ConvWindow& cw, int64_t batch,
                    int64_t out_channels, float* y) {
  const int64_t channels = cw.channels, multiplier = out_channels / channels, taps = cw.kernel_h * cw.kernel_w;
  std::vector<float> by_tap(taps * out_channels);
  for (int64_t o = 0; o < out_channels; ++o)
    for (int64_t t = 0; t < taps; ++t) by_tap[t * out_channels + o] = w[o * taps + t];
  // Vector blocks only when output channel o reads input channel o.
  const int64_t blocked = multiplier == 1 ? out_channels / kChannelBlock * kChannelBlock : 0;
  for (int64_t n = 0; n < batch; ++n) {
    const float* image = x + n * cw.in_h * cw.in_w * channels;
    for (int64_t oy = 0; oy < cw.out_h; ++oy) {
      const int64_t top = oy * cw.stride_h - cw.pad_top;
      int64_t ky0, ky1;
      inside_taps(top, cw.dilation_h, cw.kernel_h, cw.in_h, ky0, ky1);
      for (int64_t ox = 0; ox < cw.out_w; ++ox, y += out_channels) {
        const int64_t left = ox * cw.stride_w - cw.pad_left;
        int64_t kx0, kx1;
        inside_taps(left, cw.dilation_w, cw.kernel_w, cw.in_w, kx0, kx1);
        auto input_at = [&](int64_t ky, int64_t kx) {
          return image + ((top + ky * cw.dilation_h) * cw.in_w + left + kx * cw.dilation_w) * channels;
        };
        auto weights_at = [&](int64_t ky, int64_t kx) { return by_tap.data() + (ky * cw.kernel_w + kx) * out_channels; };
        for (int64_t c = 0; c < blocked; c += kChannelBlock) {
          ChannelBlock acc = bias ? ChannelBlock(Eigen::Map<const ChannelBlock>(bias + c)) : ChannelBlock::Zero();
          for (int64_t ky = ky0; ky < ky1; ++ky)
            for (int64_t kx = kx0; kx < kx1; ++kx)
              acc += Eigen::Map<const ChannelBlock>(input_at(ky, kx) + c) *
                     Eigen::Map<const ChannelBlock>(weights_at(ky, kx) + c);
          Eigen::Map<ChannelBlock>(y + c) = acc;
        }
        for (int64_t o = blocked; o < out_channels; ++o) {
          float acc = bias ? bias[o] : 0.0f;
          for (int64_t ky = ky0; ky < ky1; ++ky)
            for (int64_t kx = kx0; kx < kx1; ++kx) acc += input_at(ky, kx)[o / multiplier] * weights_at(ky, kx)[o];
          y[o] = acc;
        }
      }
    }
  }
}

void gemm_conv(const float* x, const float* w, const float* bias, const ConvWindow& cw, int64_t group,
               int64_t batch, int64_t out_channels, float* y) {
  const int64_t group_in = cw.channels / group, group_out = out_channels / group;
  const int64_t patch = cw.kernel_h * cw.kernel_w * group_in, pixels = cw.out_h * cw.out_w;
  const bool pointwise = cw.kernel_h == 1 && cw.kernel_w == 1 && cw.stride_h == 1 && cw.stride_w == 1 &&
                         cw.pad_top == 0 && cw.pad_left == 0 && cw.out_h == cw.in_h && cw.out_w == cw.in_w;
  const int64_t tile = patch_tile_rows(pixels, patch);
  std::vector<float> patches(pointwise ? 0 : tile * patch);
  for (int64_t n = 0; n < batch; ++n) {
    const float* image = x + n * cw.in_h * cw.in_w * cw.channels;
    float* out = y + n * pixels * out_channels;
    fill_rows({out, pixels, out_channels, out_channels}, bias);
    for (int64_t g = 0; g < group; ++g) {
      ConstMatrix weights{w + g * group_out * patch, group_out, patch, patch};
      if (pointwise) {
        gemm_accumulate_abt({image + g * group_in, pixels, group_in, cw.channels}, weights,
                            {out + g * group_out, pixels, group_out, out_channels});
        continue;
      }
      for (int64_t first = 0; first < pixels; first += tile) {
        const int64_t rows = std::min(tile, pixels - first);
        im2col(image, cw, g * group_in, group_in, first, rows, patches.data());
        gemm_accumulate_abt({patches.data(), rows, patch, patch}, weights,
                            {out + first * out_channels + g * group_out, rows, group_out, out_channels});
      }
    }
  }
}

// TFLite's int8 CONV_2D parameters for the node. A depthwise node (group ==
// C) runs through the same grouped kernel: on the IR's [C*M,KH,KW,1] weights
// it computes exactly the integers of TFLite's DEPTHWISE_CONV_2D on
// [1,KH,KW,C*M] (int8_conv_test checks), so the weights are never relaid.
int8::Conv2DParams prepare_conv2d_int8(const KernelContext& ctx) {
  const Window2D win = window_of(ctx.node);
  const Shape& w = ctx.in(1).shape;
  int8::Window2D window;
  window.filter_h = static_cast<int>(w[1]);
  window.filter_w = static_cast<int>(w[2]);
  window.stride_h = static_cast<int>(win.strides[0]);
  window.stride_w = static_cast<int>(win.strides[1]);
  window.dilation_h = static_cast<int>(win.dilations[0]);
  window.dilation_w = static_cast<int>(win.dilations[1]);
  window.pad_top = static_cast<int>(win.pads[0]);
  window.pad_left = static_cast<int>(win.pads[1]);
  return int8::prepare_conv2d(nhwc_of(ctx.in(0)), nhwc_of(ctx.out()), window, static_cast<int>(win.group),
                              input_affine(ctx, 0), symmetric_weight_scales(ctx, 1), output_affine(ctx),
                              activation_of(ctx.node));
}

// Convolutions with several input channels per group go through the GEMM
// (conv2d_gemm.h); a depthwise one has too little work per output for a
// matrix product and runs a direct loop (conv2d_depthwise.h). Both compute
// the reference's integers, which int8::set_reference_kernels(true) runs
// instead.
void eval_conv2d_int8(KernelContext& ctx) {
  with_node_in_errors(ctx, [&] {
    const int8::Conv2DParams p = prepare_conv2d_int8(ctx);
    const bool depthwise = p.input.c == p.groups;
    const auto kernel = int8::reference_kernels() ? int8::conv2d
                        : depthwise               ? int8::conv2d_depthwise
                                                  : int8::conv2d_gemm;
    kernel(p, ctx.in(0).as<int8_t>(), ctx.in(1).as<int8_t>(), int32_bias(ctx, 2), ctx.out().as<int8_t>());
  });
}

void eval_conv2d(KernelContext& ctx) {
  const TensorView &x = ctx.in(0), &w = ctx.in(1), &y = ctx.out();
  if (x.dtype == DType::Int8) return eval_conv2d_int8(ctx);
  if (y.dtype != DType::Float32) unsupported_dtype(ctx, y.dtype);
  const Window2D win = window_of(ctx.node);
  const ConvWindow cw = conv_window(win, x.shape, w.shape, y.shape);
  const float* bias = ctx.has_input(2) ? ctx.in(2).as<float>() : nullptr;
  const int64_t out_channels = w.shape[0];
  if (win.group > 1 && win.group == cw.channels)
    depthwise_conv(x.as<float>(), w.as<float>(), bias, cw, x.shape[0], out_channels, y.as<float>());
  else
    gemm_conv(x.as<float>(), w.as<float>(), bias, cw, win.group, x.shape[0], out_channels, y.as<float>());
  apply_activation(activation_of(ctx.node), y.as<float>(), y.element_count());
}

// --- ONNX ---------------------------------------------------------------------

// ONNX Conv over NCHW (or NCL, run as NCHW with H = 1) with OIHW weights.
void import_onnx_conv(OnnxNodeImporter& node) {
  const Shape x_shape = node.input_tensor(0).shape;
  const int spatial = static_cast<int>(x_shape.size()) - 2;
  if (spatial == 3) node.unsupported("3-D convolution");
  if (spatial != 1 && spatial != 2) node.bad_shape("input " + shape_string(x_shape) + " is not 3-D or 4-D");
  if (!node.input_is_constant(1)) node.unsupported("the weights W must be constant");
  const Shape w_shape = node.input_tensor(1).shape;
  if (w_shape.size() != x_shape.size())
    node.bad_shape("weights " + shape_string(w_shape) + " do not match input " + shape_string(x_shape));
  check_onnx_kernel_shape(node, w_shape, spatial);

  Window2D win = onnx_window(node, spatial);
  const Shape in_hw = spatial_hw(x_shape, spatial), kernel_hw = spatial_hw(w_shape, spatial);
  const std::string auto_pad = node.attr_string("auto_pad", "NOTSET");
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    for (int axis = 0; axis < 2; ++axis) {
      std::vector<int64_t> p = same_pads(in_hw[axis], kernel_hw[axis], win.strides[axis], win.dilations[axis],
                                         auto_pad == "SAME_UPPER");
      win.pads[axis] = p[0];
      win.pads[axis + 2] = p[1];
    }
  } else if (auto_pad == "VALID") {
    win.pads = {0, 0, 0, 0};
  } else if (auto_pad != "NOTSET") {
    node.unsupported("auto_pad '" + auto_pad + "'");
  }

  int w = node.input(1);
  if (spatial == 1) w = reshape_to(node, w, {w_shape[0], w_shape[1], 1, w_shape[2]});
  std::vector<int> inputs{onnx_input_as_nhwc(node, node.input(0), spatial), node.transpose(w, {0, 2, 3, 1})};
  if (node.has_input(2)) inputs.push_back(node.input(2));
  emit_nhwc_as_onnx(node, node.add(OpKind::Conv2D, inputs, win.to_attrs()), spatial);
}

// --- TFLite -------------------------------------------------------------------

Window2D tflite_window(int stride_h, int stride_w, int dilation_h, int dilation_w) {
  Window2D win;
  win.strides = {stride_h, stride_w};
  win.dilations = {dilation_h, dilation_w};
  return win;
}

void require_rank4(const TfliteOpImporter& op) {
  const Shape &x = op.input_tensor(0).shape, &w = op.input_tensor(1).shape;
  if (x.size() != 4 || w.size() != 4)
    op.bad_shape("input " + shape_string(x) + " and filter " + shape_string(w) + " must be 4-D");
}

// Filter [O,KH,KW,C/group]; TFLite infers the group count from the shapes.
void import_tflite_conv2d(TfliteOpImporter& op) {
  const tflite::Conv2DOptions* o = op.op().builtin_options_as_Conv2DOptions();
  if (!o) op.unsupported("CONV_2D without Conv2DOptions");
  require_rank4(op);
  const Shape &x = op.input_tensor(0).shape, &w = op.input_tensor(1).shape;
  Window2D win = tflite_window(o->stride_h(), o->stride_w(), o->dilation_h_factor(), o->dilation_w_factor());
  win.pads = tflite_pads(o->padding(), {x[1], x[2]}, {w[1], w[2]}, win);
  if (w[3] < 1 || x[3] % w[3]) op.bad_shape("filter " + shape_string(w) + " does not divide the input channels");
  win.group = x[3] / w[3];
  Attributes attrs = win.to_attrs();
  op.set_activation(attrs, o->fused_activation_function());
  std::vector<int> inputs{op.input(0), op.input(1)};
  if (op.has_input(2)) inputs.push_back(op.input(2));
  op.emit(OpKind::Conv2D, inputs, std::move(attrs));
}

// Filter [1,KH,KW,C*M] becomes [C*M,KH,KW,1] with one group per input channel.
// The multiplier M comes from the shapes; the depth_multiplier option is
// redundant with them and not always written correctly by converters.
void import_tflite_depthwise(TfliteOpImporter& op) {
  const tflite::DepthwiseConv2DOptions* o = op.op().builtin_options_as_DepthwiseConv2DOptions();
  if (!o) op.unsupported("DEPTHWISE_CONV_2D without DepthwiseConv2DOptions");
  require_rank4(op);
  const Shape &x = op.input_tensor(0).shape, &w = op.input_tensor(1).shape;
  if (w[0] != 1 || x[3] < 1 || w[3] % x[3])
    op.bad_shape("filter " + shape_string(w) + " is not [1,KH,KW,C*M] for " + std::to_string(x[3]) + " channels");
  Window2D win = tflite_window(o->stride_h(), o->stride_w(), o->dilation_h_factor(), o->dilation_w_factor());
  win.pads = tflite_pads(o->padding(), {x[1], x[2]}, {w[1], w[2]}, win);
  win.group = x[3];
  Attributes attrs = win.to_attrs();
  op.set_activation(attrs, o->fused_activation_function());
  std::vector<int> inputs{op.input(0), op.transpose(op.input(1), {3, 1, 2, 0})};
  if (op.has_input(2)) inputs.push_back(op.input(2));
  op.emit(OpKind::Conv2D, inputs, std::move(attrs));
}

// --- TFLite writer --------------------------------------------------------------

// Versions from op_version.cc: the int8 kernels are v3 of both ops; a grouped
// CONV_2D needs v6 and a dilated float DEPTHWISE_CONV_2D v2.
constexpr DTypeVersion kConvVersions[] = {{DType::Int8, 3}};
constexpr DTypeVersion kDepthwiseVersions[] = {{DType::Int8, 3}};

// TFLite's CONV_2D kernel requires a bias (conv.cc: has_bias), so a node
// without one gets zeros: float, or int32 at scale input * weight scale.
int bias_or_zeros(TfliteOpWriter& w) {
  if (w.has_input(2)) return w.input(2);
  const Tensor &x = w.input_tensor(0), &weights = w.input_tensor(1);
  const int64_t channels = weights.shape[0];
  if (x.dtype == DType::Float32) return w.add_constant(make_constant("bias", {channels}, std::vector<float>(channels)));
  if (x.quant.empty() || weights.quant.empty()) w.unsupported("a quantized convolution needs quantized operands");
  Tensor bias = make_constant("bias", {channels}, std::vector<int32_t>(channels));
  for (float scale : weights.quant.scales) bias.quant.scales.push_back(x.quant.scales[0] * scale);
  bias.quant.zero_points.assign(bias.quant.scales.size(), 0);
  bias.quant.axis = bias.quant.scales.size() > 1 ? 0 : -1;
  return w.add_constant(std::move(bias));
}

// Depthwise (group == C > 1) becomes DEPTHWISE_CONV_2D with the weights back
// in TFLite's [1,KH,KW,C*M] layout (a per-channel axis 0 becomes axis 3);
// every other group count is CONV_2D. Pads that are neither SAME nor VALID
// become a PAD in front.
void write_tflite_conv2d(TfliteOpWriter& w, const Node& n) {
  const Window2D win = window_of(n);
  const Tensor &x = w.input_tensor(0), &weights = w.input_tensor(1);
  const WindowInput in = window_input(w, {{weights.shape[1], weights.shape[2]}, win.strides, win.dilations, win.pads},
                                      PadFill::Zero);
  const int stride_h = static_cast<int>(win.strides[0]), stride_w = static_cast<int>(win.strides[1]);
  const int dilation_h = static_cast<int>(win.dilations[0]), dilation_w = static_cast<int>(win.dilations[1]);
  TfliteOperator op;
  if (win.group > 1 && win.group == x.shape[3]) {
    if (!weights.is_constant()) w.unsupported("depthwise weights must be constant to store them as [1,KH,KW,C*M]");
    Tensor filter = permuted_constant(weights, {3, 1, 2, 0});
    filter.name = "filter";
    const bool dilated = dilation_h != 1 || dilation_w != 1;
    op = {tflite::BuiltinOperator_DEPTHWISE_CONV_2D,
          std::max(version_for(kDepthwiseVersions, x.dtype), dilated ? 2 : 1),
          {in.tensor, w.add_constant(std::move(filter))}};
    op.options_type = tflite::BuiltinOptions_DepthwiseConv2DOptions;
    op.options = tflite::CreateDepthwiseConv2DOptions(w.builder(), in.padding, stride_w, stride_h,
                                                      static_cast<int>(weights.shape[0] / win.group),
                                                      fused_activation(n), dilation_w, dilation_h)
                     .Union();
  } else {
    op = {tflite::BuiltinOperator_CONV_2D, std::max(version_for(kConvVersions, x.dtype), win.group > 1 ? 6 : 1),
          {in.tensor, w.input(1)}};
    op.options_type = tflite::BuiltinOptions_Conv2DOptions;
    op.options = tflite::CreateConv2DOptions(w.builder(), in.padding, stride_w, stride_h, fused_activation(n),
                                             dilation_w, dilation_h)
                     .Union();
  }
  op.inputs.push_back(bias_or_zeros(w));
  op.outputs = {w.output()};
  w.add_operator(op);
}

}  // namespace

OpDef define_Conv2D() {
  OpDef def{OpKind::Conv2D, infer_conv2d, eval_conv2d};
  def.onnx = {{"Conv", import_onnx_conv}};
  def.tflite = {{tflite::BuiltinOperator_CONV_2D, import_tflite_conv2d},
                {tflite::BuiltinOperator_DEPTHWISE_CONV_2D, import_tflite_depthwise}};
  def.write_tflite = write_tflite_conv2d;
  def.quant = QuantTraits::weighted(1, 2, /*per_channel=*/true);
  return def;
}

}  // namespace octet
