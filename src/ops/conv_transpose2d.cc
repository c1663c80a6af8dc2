// ConvTranspose2D: NHWC input [N,H,W,C], weights [O,KH,KW,C/group] (TFLite's
// TRANSPOSE_CONV layout, grouped like Conv2D), optional bias [O], the window
// attributes of conv_window.h plus "output_padding" [h,w], and a fused
// activation. Each input pixel scatters its weighted kernel onto the output:
//   out = stride*(in-1) + output_padding + (kernel-1)*dilation + 1 - pad_begin - pad_end
// Output rows past the scattered region (output padding) hold only the bias.
#include <algorithm>

#include "export/tflite_op_writer.h"
#include "import/onnx_importer.h"
#include "import/tflite_importer.h"
#include "ops/conv_window.h"
#include "ops/op_def.h"
#include "ops/op_util.h"
#include "runtime/gemm.h"
#include "runtime/kernel.h"

namespace octet {
namespace {

std::vector<int64_t> output_padding_of(const Node& n) {
  std::vector<int64_t> p = n.attrs.get_ints("output_padding", {0, 0});
  if (p.size() != 2 || p[0] < 0 || p[1] < 0) shape_error(n, "output_padding needs 2 values >= 0");
  return p;
}

int64_t transposed_size(const Window2D& win, const std::vector<int64_t>& output_padding, int axis, int64_t in,
                        int64_t kernel) {
  return win.strides[axis] * (in - 1) + output_padding[axis] + win.effective_kernel(axis, kernel) -
         win.pads[axis] - win.pads[axis + 2];
}

void infer_conv_transpose2d(Graph& g, const Node& n) {
  const Window2D win = window_of(n);
  check_conv_operands(g, n, win);
  const std::vector<int64_t> output_padding = output_padding_of(n);
  const Shape &x = input_of(g, n, 0).shape, &w = input_of(g, n, 1).shape;
  const int64_t oh = transposed_size(win, output_padding, 0, x[1], w[1]);
  const int64_t ow = transposed_size(win, output_padding, 1, x[2], w[2]);
  if (oh < 1 || ow < 1) shape_error(n, "pads leave an empty output");
  set_output(g, n, 0, input_of(g, n, 0).dtype, {x[0], oh, ow, w[0]});
}

// Per group, weights regrouped [tap][out channel] x [in channel], so that
// input[pixels, Cg] * regrouped^T gives each input pixel's patch row in
// col2im's [ky][kx][c] order.
std::vector<float> regroup_weights(const TensorView& w, int64_t group) {
  const int64_t out_channels = w.shape[0], taps = w.shape[1] * w.shape[2], group_in = w.shape[3];
  const int64_t group_out = out_channels / group;
  const float* src = w.as<float>();
  std::vector<float> dst(w.element_count());
  for (int64_t o = 0; o < out_channels; ++o) {
    const int64_t g = o / group_out, local = o % group_out;
    for (int64_t t = 0; t < taps; ++t)
      std::copy_n(src + (o * taps + t) * group_in, group_in,
                  dst.data() + ((g * taps + t) * group_out + local) * group_in);
  }
  return dst;
}

void eval_conv_transpose2d(KernelContext& ctx) {
  const TensorView &x = ctx.in(0), &w = ctx.in(1), &y = ctx.out();
  if (y.dtype != DType::Float32) unsupported_dtype(ctx, y.dtype);
  const Window2D win = window_of(ctx.node);
  // The forward convolution whose adjoint this is: it reads the output image
  // and produces one pixel per input pixel.
  const ConvWindow cw = conv_window(win, y.shape, w.shape, x.shape);

  const int64_t in_channels = x.shape[3], group_in = in_channels / win.group;
  const int64_t out_channels = y.shape[3], group_out = out_channels / win.group;
  const int64_t patch = cw.kernel_h * cw.kernel_w * group_out, pixels = cw.out_h * cw.out_w;
  const int64_t tile = patch_tile_rows(pixels, patch);
  const std::vector<float> weights = regroup_weights(w, win.group);
  const float* bias = ctx.has_input(2) ? ctx.in(2).as<float>() : nullptr;
  std::vector<float> patches(tile * patch);
  for (int64_t n = 0; n < x.shape[0]; ++n) {
    const float* in = x.as<float>() + n * pixels * in_channels;
    float* out = y.as<float>() + n * cw.in_h * cw.in_w * out_channels;
    fill_rows({out, cw.in_h * cw.in_w, out_channels, out_channels}, bias);
    for (int64_t g = 0; g < win.group; ++g) {
      ConstMatrix group_weights{weights.data() + g * patch * group_in, patch, group_in, group_in};
      for (int64_t first = 0; first < pixels; first += tile) {
        const int64_t rows = std::min(tile, pixels - first);
        MutMatrix cols{patches.data(), rows, patch, patch};
        fill_rows(cols, nullptr);
        gemm_accumulate_abt({in + first * in_channels + g * group_in, rows, group_in, in_channels}, group_weights,
                            cols);
        col2im_accumulate(patches.data(), cw, g * group_out, group_out, first, rows, out);
      }
    }
  }
  apply_activation(activation_of(ctx.node), y.as<float>(), y.element_count());
}

// --- ONNX ---------------------------------------------------------------------

// floor(a / 2) for negative a too, as ONNX's reference computes it.
int64_t floor_half(int64_t a) { return a >= 0 ? a / 2 : -((-a + 1) / 2); }

// Resolves auto_pad / output_shape into explicit pads, following ONNX's
// reference implementation: SAME_* without pads splits the padding that gives
// out = output_shape (default in * stride), the odd pixel at the end for
// SAME_UPPER; otherwise the begin pads are the given ones and output_shape,
// when given, fixes the end. An output past the scattered region becomes
// output padding.
void resolve_transposed_pads(const OnnxNodeImporter& node, int spatial, const Shape& in_hw, const Shape& kernel_hw,
                             Window2D& win, std::vector<int64_t>& output_padding) {
  const std::string auto_pad = node.attr_string("auto_pad", "NOTSET");
  if (auto_pad != "NOTSET" && auto_pad != "VALID" && auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER")
    node.unsupported("auto_pad '" + auto_pad + "'");
  std::vector<int64_t> output_shape = node.attr_ints("output_shape");
  if (output_shape.size() > static_cast<size_t>(spatial))  // some exporters give N and C too
    output_shape.erase(output_shape.begin(), output_shape.end() - spatial);
  if (!output_shape.empty() && output_shape.size() != static_cast<size_t>(spatial))
    node.bad_shape("output_shape needs one value per spatial axis");
  if (spatial == 1 && !output_shape.empty()) output_shape.insert(output_shape.begin(), 1);
  if (auto_pad == "VALID") win.pads = {0, 0, 0, 0};
  const bool same = (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") && !node.has_attr("pads");
  for (int axis = 0; axis < 2; ++axis) {
    const int64_t full = win.strides[axis] * (in_hw[axis] - 1) + output_padding[axis] +
                         win.effective_kernel(axis, kernel_hw[axis]);
    int64_t& begin = win.pads[axis];
    int64_t& end = win.pads[axis + 2];
    if (same) {
      const int64_t out = output_shape.empty() ? in_hw[axis] * win.strides[axis] : output_shape[axis];
      const int64_t total = full - out;
      begin = auto_pad == "SAME_UPPER" ? floor_half(total) : total - floor_half(total);
      end = total - begin;
    } else if (!output_shape.empty()) {
      end = full - begin - output_shape[axis];
    }
    if (begin < 0) node.unsupported("an output that starts before the first scattered pixel (negative padding)");
    if (end < 0) {
      output_padding[axis] -= end;
      end = 0;
    }
  }
}

// ONNX ConvTranspose over NCHW (or NCL as NCHW with H = 1). Weights
// [C, O/group, KH, KW] become [O, KH, KW, C/group].
void import_onnx_conv_transpose(OnnxNodeImporter& node) {
  const Shape x_shape = node.input_tensor(0).shape;
  const int spatial = static_cast<int>(x_shape.size()) - 2;
  if (spatial == 3) node.unsupported("3-D transposed convolution");
  if (spatial != 1 && spatial != 2) node.bad_shape("input " + shape_string(x_shape) + " is not 3-D or 4-D");
  if (!node.input_is_constant(1)) node.unsupported("the weights W must be constant");
  Shape w_shape = node.input_tensor(1).shape;
  if (w_shape.size() != x_shape.size())
    node.bad_shape("weights " + shape_string(w_shape) + " do not match input " + shape_string(x_shape));
  check_onnx_kernel_shape(node, w_shape, spatial);
  Window2D win = onnx_window(node, spatial);
  if (win.group < 1 || w_shape[0] % win.group) node.bad_shape("group does not divide the weights' channels");
  std::vector<int64_t> output_padding = node.attr_ints("output_padding", std::vector<int64_t>(spatial, 0));
  if (output_padding.size() != static_cast<size_t>(spatial)) node.bad_shape("output_padding has the wrong length");
  if (spatial == 1) output_padding.insert(output_padding.begin(), 0);
  resolve_transposed_pads(node, spatial, spatial_hw(x_shape, spatial), spatial_hw(w_shape, spatial), win,
                          output_padding);

  int w = node.input(1);
  if (spatial == 1) {
    w_shape = {w_shape[0], w_shape[1], 1, w_shape[2]};
    w = reshape_to(node, w, w_shape);
  }
  const int64_t group = win.group, group_in = w_shape[0] / group, group_out = w_shape[1];
  if (group == 1) {
    w = node.transpose(w, {1, 2, 3, 0});
  } else {
    w = reshape_to(node, w, {group, group_in, group_out, w_shape[2], w_shape[3]});
    w = node.transpose(w, {0, 2, 3, 4, 1});
    w = reshape_to(node, w, {group * group_out, w_shape[2], w_shape[3], group_in});
  }
  std::vector<int> inputs{onnx_input_as_nhwc(node, node.input(0), spatial), w};
  if (node.has_input(2)) inputs.push_back(node.input(2));
  Attributes attrs = win.to_attrs();
  attrs.set("output_padding", output_padding);
  emit_nhwc_as_onnx(node, node.add(OpKind::ConvTranspose2D, inputs, std::move(attrs)), spatial);
}

// --- TFLite -------------------------------------------------------------------

// Inputs: output_shape (constant [N,OH,OW,O]), weights [O,KH,KW,C], input,
// optional bias. TFLite pads the top/left as a SAME / VALID convolution from
// the output to the input would, and crops or extends the bottom/right to
// output_shape.
void import_tflite_transpose_conv(TfliteOpImporter& op) {
  const tflite::TransposeConvOptions* o = op.op().builtin_options_as_TransposeConvOptions();
  if (!o) op.unsupported("TRANSPOSE_CONV without TransposeConvOptions");
  const Shape &x = op.input_tensor(2).shape, &w = op.input_tensor(1).shape;
  const std::vector<int64_t> out = op.constant_ints(0);
  if (x.size() != 4 || w.size() != 4 || out.size() != 4 || out[0] != x[0] || out[3] != w[0])
    op.bad_shape("input " + shape_string(x) + ", weights " + shape_string(w) + " and output_shape " +
                 shape_string(out) + " do not fit");
  Window2D win;
  win.strides = {o->stride_h(), o->stride_w()};
  std::vector<int64_t> output_padding{0, 0};
  for (int axis = 0; axis < 2; ++axis) {
    const int64_t kernel = w[1 + axis], size = out[1 + axis];
    const int64_t begin =
        o->padding() == tflite::Padding_SAME ? same_pads(size, kernel, win.strides[axis], 1, true)[0] : 0;
    const int64_t end = win.strides[axis] * (x[1 + axis] - 1) + kernel - begin - size;
    win.pads[axis] = begin;
    win.pads[axis + 2] = std::max<int64_t>(end, 0);
    output_padding[axis] = std::max<int64_t>(-end, 0);
  }
  Attributes attrs = win.to_attrs();
  attrs.set("output_padding", output_padding);
  op.set_activation(attrs, o->fused_activation_function());
  std::vector<int> inputs{op.input(2), op.input(1)};
  if (op.has_input(3)) inputs.push_back(op.input(3));
  op.emit(OpKind::ConvTranspose2D, inputs, std::move(attrs));
}

// --- TFLite writer --------------------------------------------------------------

// TRANSPOSE_CONV pads the top/left as the SAME or VALID convolution from the
// output back to the input would, and crops or extends the bottom/right to
// output_shape. So the IR's begin pads must be those of one padding mode;
// its end pads and output_padding follow from the output shape. Versions
// (op_version.cc): int8 weights 2, a bias input 3, a fused activation 4.
constexpr DTypeVersion kTransposeConvVersions[] = {{DType::Int8, 2}};  // by the weights' type

void write_tflite_transpose_conv(TfliteOpWriter& w, const Node& n) {
  const Window2D win = window_of(n);
  if (win.group != 1) w.unsupported("grouped transposed convolution (group " + std::to_string(win.group) + ")");
  if (win.dilations[0] != 1 || win.dilations[1] != 1) w.unsupported("dilated transposed convolution");
  const Shape &weights = w.input_tensor(1).shape, &y = w.output_tensor().shape;
  bool same = true, valid = true;
  for (int axis = 0; axis < 2; ++axis) {
    const int64_t begin = win.pads[axis];
    same = same && begin == same_pads(y[1 + axis], weights[1 + axis], win.strides[axis], 1, true)[0];
    valid = valid && begin == 0;
  }
  if (!same && !valid)
    w.unsupported("begin pads [" + std::to_string(win.pads[0]) + "," + std::to_string(win.pads[1]) +
                  "] are neither TFLite's SAME nor VALID ones");
  const tflite::ActivationFunctionType fused = fused_activation(n);
  const int version = std::max({version_for(kTransposeConvVersions, w.input_tensor(1).dtype), w.has_input(2) ? 3 : 1,
                                fused != tflite::ActivationFunctionType_NONE ? 4 : 1});
  TfliteOperator op{tflite::BuiltinOperator_TRANSPOSE_CONV, version,
                    {w.add_int32s("output_shape", y), w.input(1), w.input(0)}};
  if (w.has_input(2)) op.inputs.push_back(w.input(2));
  op.outputs = {w.output()};
  op.options_type = tflite::BuiltinOptions_TransposeConvOptions;
  op.options = tflite::CreateTransposeConvOptions(w.builder(), valid ? tflite::Padding_VALID : tflite::Padding_SAME,
                                                  static_cast<int>(win.strides[1]), static_cast<int>(win.strides[0]),
                                                  fused)
                   .Union();
  w.add_operator(op);
}

}  // namespace

OpDef define_ConvTranspose2D() {
  OpDef def{OpKind::ConvTranspose2D, infer_conv_transpose2d, eval_conv_transpose2d};
  def.onnx = {{"ConvTranspose", import_onnx_conv_transpose}};
  def.tflite = {{tflite::BuiltinOperator_TRANSPOSE_CONV, import_tflite_transpose_conv}};
  def.write_tflite = write_tflite_transpose_conv;
  return def;
}

}  // namespace octet
