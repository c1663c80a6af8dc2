// MaxPool2D and AvgPool2D: NHWC pooling with explicit [top,left,bottom,right]
// padding and optional dilation. Padded positions never win a max. An average
// divides by the number of real input positions in the window (TFLite, ONNX
// default) or, with count_include_pad, by the positions that lie inside the
// padded input (ONNX count_include_pad=1).
#include <onnx/onnx_pb.h>
#include <Eigen/Core>

#include <algorithm>
#include <limits>

#include "export/tflite_padding.h"
#include "import/onnx_importer.h"
#include "import/tflite_importer.h"
#include "ops/conv_window.h"
#include "ops/int8_eval.h"
#include "ops/op_def.h"
#include "ops/op_util.h"
#include "runtime/int8/kernel_choice.h"
#include "runtime/int8/pooling.h"
#include "runtime/int8/pooling_fast.h"
#include "runtime/kernel.h"

namespace octet {
namespace {

// One spatial axis of a pooling window.
struct Window {
  int64_t kernel, stride, dilation, pad_begin, pad_end;

  int64_t span() const { return (kernel - 1) * dilation + 1; }
  // Room left for the window to slide, in input positions; negative when even
  // the first window does not fit.
  int64_t room(int64_t input) const { return input + pad_begin + pad_end - span(); }
  int64_t output_size(int64_t input) const { return room(input) / stride + 1; }
  int64_t first(int64_t out) const { return out * stride - pad_begin; }
};

struct PoolGeometry {
  Window h, w;
};

PoolGeometry geometry_of(const Window2D& win, const std::vector<int64_t>& kernel) {
  return {{kernel[0], win.strides[0], win.dilations[0], win.pads[0], win.pads[2]},
          {kernel[1], win.strides[1], win.dilations[1], win.pads[1], win.pads[3]}};
}

PoolGeometry geometry_of(const Node& n) {
  auto kernel = n.attrs.get_ints("kernel");
  if (kernel.size() != 2 || kernel[0] < 1 || kernel[1] < 1) shape_error(n, "kernel needs 2 positive values");
  return geometry_of(window_of(n), kernel);
}

void infer_pool(Graph& g, const Node& n) {
  const Tensor& x = input_of(g, n, 0);
  if (x.shape.size() != 4) shape_error(n, "input must be NHWC (rank 4), got " + shape_string(x.shape));
  PoolGeometry geo = geometry_of(n);
  if (geo.h.room(x.shape[1]) < 0 || geo.w.room(x.shape[2]) < 0)
    shape_error(n, "the window is larger than the padded input " + shape_string(x.shape));
  set_output(g, n, 0, x.dtype,
             {x.shape[0], geo.h.output_size(x.shape[1]), geo.w.output_size(x.shape[2]), x.shape[3]});
}

// For each output index along one axis, the input indices its window reads
// (taps falling into padding are left out).
std::vector<std::vector<int64_t>> input_taps(const Window& win, int64_t outputs, int64_t input) {
  std::vector<std::vector<int64_t>> taps(outputs);
  for (int64_t o = 0; o < outputs; ++o)
    for (int64_t k = 0; k < win.kernel; ++k) {
      int64_t i = win.first(o) + k * win.dilation;
      if (i >= 0 && i < input) taps[o].push_back(i);
    }
  return taps;
}

// How many taps of the window at `out` lie inside the padded input: the
// divisor of count_include_pad averaging.
int64_t padded_tap_count(const Window& win, int64_t out, int64_t input) {
  int64_t count = 0;
  for (int64_t k = 0; k < win.kernel; ++k) {
    int64_t i = win.first(out) + k * win.dilation;
    count += i >= -win.pad_begin && i < input + win.pad_end;
  }
  return count;
}

// Calls visit(out, pixels, oh, ow) for every output pixel (oh, ow): `out` is
// the offset of its channel row, `pixels` the offsets of the input channel
// rows its window reads.
template <typename F>
void for_each_window(const TensorView& x, const TensorView& y, const PoolGeometry& geo, F visit) {
  const int64_t height = x.shape[1], width = x.shape[2], channels = x.shape[3];
  const int64_t out_h = y.shape[1], out_w = y.shape[2];
  const auto rows = input_taps(geo.h, out_h, height);
  const auto cols = input_taps(geo.w, out_w, width);
  std::vector<int64_t> pixels;
  for (int64_t n = 0; n < y.shape[0]; ++n)
    for (int64_t oh = 0; oh < out_h; ++oh)
      for (int64_t ow = 0; ow < out_w; ++ow) {
        pixels.clear();
        for (int64_t ih : rows[oh])
          for (int64_t iw : cols[ow]) pixels.push_back(((n * height + ih) * width + iw) * channels);
        visit(((n * out_h + oh) * out_w + ow) * channels, pixels, oh, ow);
      }
}

// A pixel's channel row, as an Eigen array so the per-channel loops vectorize.
template <typename T>
using Row = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;
template <typename T>
using ConstRow = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;

template <typename T>
void max_pool(const TensorView& x, const TensorView& y, const PoolGeometry& geo) {
  const int64_t channels = x.shape[3];
  const T* in = x.as<T>();
  T* out = y.as<T>();
  for_each_window(x, y, geo, [&](int64_t o, const std::vector<int64_t>& pixels, int64_t, int64_t) {
    Row<T> result(out + o, channels);
    result.setConstant(std::numeric_limits<T>::lowest());  // what a window entirely in padding gives
    for (int64_t p : pixels) result = result.max(ConstRow<T>(in + p, channels));
  });
}

void avg_pool(const TensorView& x, const TensorView& y, const PoolGeometry& geo, bool count_pad) {
  const int64_t height = x.shape[1], width = x.shape[2], channels = x.shape[3];
  const float* in = x.as<float>();
  float* out = y.as<float>();
  for_each_window(x, y, geo, [&](int64_t o, const std::vector<int64_t>& pixels, int64_t oh, int64_t ow) {
    Row<float> result(out + o, channels);
    result.setZero();
    for (int64_t p : pixels) result += ConstRow<float>(in + p, channels);
    int64_t divisor = count_pad ? padded_tap_count(geo.h, oh, height) * padded_tap_count(geo.w, ow, width)
                                : static_cast<int64_t>(pixels.size());
    if (divisor > 0) result /= static_cast<float>(divisor);  // a window entirely in padding averages to 0
  });
}

// TFLite's int8 MAX_POOL_2D / AVERAGE_POOL_2D parameters. TFLite never
// counts padding in an average, so count_include_pad over padding has no
// int8 form.
int8::PoolParams prepare_pool_int8(const KernelContext& ctx) {
  const PoolGeometry geo = geometry_of(ctx.node);
  int8::Window2D window;
  window.filter_h = static_cast<int>(geo.h.kernel);
  window.filter_w = static_cast<int>(geo.w.kernel);
  window.stride_h = static_cast<int>(geo.h.stride);
  window.stride_w = static_cast<int>(geo.w.stride);
  window.dilation_h = static_cast<int>(geo.h.dilation);
  window.dilation_w = static_cast<int>(geo.w.dilation);
  window.pad_top = static_cast<int>(geo.h.pad_begin);
  window.pad_left = static_cast<int>(geo.w.pad_begin);
  const bool average = ctx.node.op == OpKind::AvgPool2D;
  const bool padded = geo.h.pad_begin || geo.h.pad_end || geo.w.pad_begin || geo.w.pad_end;
  if (average && padded && ctx.node.attrs.get_int("count_include_pad", 0) != 0)
    fail(ErrorKind::Unsupported, "an int8 average cannot count the padding (count_include_pad)");
  const auto prepare = average ? int8::prepare_average_pool : int8::prepare_max_pool;
  return prepare(nhwc_of(ctx.in(0)), nhwc_of(ctx.out()), window, input_affine(ctx, 0), output_affine(ctx),
                 activation_of(ctx.node));
}

void eval_pool_int8(KernelContext& ctx) {
  with_node_in_errors(ctx, [&] {
    const int8::PoolParams p = prepare_pool_int8(ctx);
    // max_pool_fast (pooling_fast.h) computes the reference's codes, faster.
    const auto max_pool = int8::reference_kernels() ? int8::max_pool : int8::max_pool_fast;
    const auto pool = ctx.node.op == OpKind::AvgPool2D ? int8::average_pool : max_pool;
    pool(p, ctx.in(0).as<int8_t>(), ctx.out().as<int8_t>());
  });
}

void eval_max_pool(KernelContext& ctx) {
  const TensorView &x = ctx.in(0), &y = ctx.out();
  if (x.dtype == DType::Int8 && is_quantized(ctx)) return eval_pool_int8(ctx);
  PoolGeometry geo = geometry_of(ctx.node);
  switch (x.dtype) {
    case DType::Float32:
      max_pool<float>(x, y, geo);
      apply_activation(activation_of(ctx.node), y.as<float>(), y.element_count());
      break;
    case DType::Int8: max_pool<int8_t>(x, y, geo); break;
    case DType::UInt8: max_pool<uint8_t>(x, y, geo); break;
    default: unsupported_dtype(ctx, x.dtype);
  }
}

void eval_avg_pool(KernelContext& ctx) {
  const TensorView &x = ctx.in(0), &y = ctx.out();
  if (x.dtype == DType::Int8) return eval_pool_int8(ctx);
  if (x.dtype != DType::Float32) unsupported_dtype(ctx, x.dtype);
  avg_pool(x, y, geometry_of(ctx.node), ctx.node.attrs.get_int("count_include_pad", 0) != 0);
  apply_activation(activation_of(ctx.node), y.as<float>(), y.element_count());
}

Attributes pool_attrs(const std::vector<int64_t>& kernel, const Window2D& win) {
  Attributes attrs;
  attrs.set("kernel", kernel);
  attrs.set("strides", win.strides);
  attrs.set("dilations", win.dilations);
  attrs.set("pads", win.pads);
  return attrs;
}

// ---- TFLite ------------------------------------------------------------------

template <OpKind kind>
void import_tflite_pool(TfliteOpImporter& op) {
  const auto* options = op.op().builtin_options_as_Pool2DOptions();
  if (!options) op.unsupported("Pool2DOptions are missing");
  const Shape& x = op.input_tensor(0).shape;
  if (x.size() != 4) op.bad_shape("input must be NHWC (rank 4), got " + shape_string(x));
  std::vector<int64_t> kernel{options->filter_height(), options->filter_width()};
  Window2D win;
  win.strides = {options->stride_h(), options->stride_w()};
  if (std::min({kernel[0], kernel[1], win.strides[0], win.strides[1]}) < 1)
    op.bad_shape("filter and strides must be positive");
  win.pads = tflite_pads(options->padding(), {x[1], x[2]}, kernel, win);
  Attributes attrs = pool_attrs(kernel, win);
  op.set_activation(attrs, options->fused_activation_function());
  op.emit(kind, {op.input(0)}, std::move(attrs));
}

// ---- ONNX --------------------------------------------------------------------

// ONNX ceil_mode adds a last, partial window when the floor division leaves
// input uncovered, but only if that window starts inside the input or its
// leading padding. Returns the padding the partial window needs past pad_end.
int64_t ceil_mode_padding(const Window& win, int64_t input) {
  int64_t room = win.room(input);
  if (room < 0 || room % win.stride == 0) return 0;
  int64_t last_start = (room / win.stride + 1) * win.stride;
  if (last_start >= input + win.pad_begin) return 0;
  return last_start + win.span() - (input + win.pad_begin + win.pad_end);
}

// Turns ONNX auto_pad and ceil_mode into explicit pads in `win`. Returns the
// padding ceil_mode added at the end of H and W, which count_include_pad must
// not count.
std::vector<int64_t> resolve_onnx_padding(const OnnxNodeImporter& node, const Shape& in_hw,
                                          const std::vector<int64_t>& kernel, Window2D& win) {
  const std::string auto_pad = node.attr_string("auto_pad", "NOTSET");
  std::vector<int64_t> ceil_pads{0, 0};
  for (int axis = 0; axis < 2; ++axis) {
    int64_t &begin = win.pads[axis], &end = win.pads[axis + 2];
    if (auto_pad == "VALID") {
      begin = end = 0;
    } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      auto pads = same_pads(in_hw[axis], kernel[axis], win.strides[axis], win.dilations[axis],
                            auto_pad == "SAME_UPPER");
      begin = pads[0];
      end = pads[1];
    } else if (auto_pad != "NOTSET" && !auto_pad.empty()) {
      node.unsupported("auto_pad '" + auto_pad + "'");
    } else if (node.attr_int("ceil_mode", 0) != 0) {
      const PoolGeometry geo = geometry_of(win, kernel);
      ceil_pads[axis] = ceil_mode_padding(axis == 0 ? geo.h : geo.w, in_hw[axis]);
      end += ceil_pads[axis];
    }
  }
  return ceil_pads;
}

// ONNX kernel_shape, as [KH,KW] (KH = 1 for 1-D pooling).
std::vector<int64_t> onnx_kernel(const OnnxNodeImporter& node, int spatial_rank) {
  std::vector<int64_t> kernel = node.attr_ints("kernel_shape");
  if (static_cast<int>(kernel.size()) != spatial_rank)
    node.bad_shape("kernel_shape has " + std::to_string(kernel.size()) + " values for " +
                   std::to_string(spatial_rank) + " spatial axes");
  if (spatial_rank == 1) kernel.insert(kernel.begin(), 1);
  if (kernel[0] < 1 || kernel[1] < 1) node.bad_shape("kernel_shape must be positive");
  return kernel;
}

// count_include_pad=1 counts the explicit padding but not the ceil_mode
// padding. The IR op counts all its padding, so windows that reach into the
// ceil_mode padding are rescaled by (taps counted) / (taps ONNX counts).
int ceil_mode_rescale(OnnxNodeImporter& node, int pooled, const PoolGeometry& geo, const Shape& nhwc,
                      const std::vector<int64_t>& ceil_pads) {
  const Shape& out = node.tensor(pooled).shape;
  auto axis_scale = [](const Window& win, int64_t ceil_pad, int64_t input, int64_t outputs) {
    Window onnx = win;
    onnx.pad_end -= ceil_pad;
    std::vector<float> scale(outputs);
    for (int64_t o = 0; o < outputs; ++o)  // ONNX's count is >= 1: every window starts before pad_end
      scale[o] = static_cast<float>(padded_tap_count(win, o, input)) / padded_tap_count(onnx, o, input);
    return scale;
  };
  std::vector<float> rows = axis_scale(geo.h, ceil_pads[0], nhwc[1], out[1]);
  std::vector<float> cols = axis_scale(geo.w, ceil_pads[1], nhwc[2], out[2]);
  std::vector<float> scale;
  for (float r : rows)
    for (float c : cols) scale.push_back(r * c);
  return node.add(OpKind::Mul,
                  {pooled, node.constant<float>("ceil_mode_scale", {1, out[1], out[2], 1}, scale)});
}

// 1-D and 2-D pooling; both run as the NHWC IR op between layout changes.
template <OpKind kind>
void import_onnx_pool(OnnxNodeImporter& node) {
  if (node.proto().output_size() > 1 && !node.proto().output(1).empty())
    node.unsupported("the Indices output of MaxPool");
  if (node.attr_int("storage_order", 0) != 0) node.unsupported("storage_order=1");
  const int x = node.input(0);
  const Shape shape = node.tensor(x).shape;
  const int spatial_rank = static_cast<int>(shape.size()) - 2;
  if (spatial_rank != 1 && spatial_rank != 2)
    node.unsupported(std::to_string(spatial_rank) + "-D pooling (only 1-D and 2-D)");
  const std::vector<int64_t> kernel = onnx_kernel(node, spatial_rank);
  Window2D win = onnx_window(node, spatial_rank);
  const std::vector<int64_t> ceil_pads =
      resolve_onnx_padding(node, spatial_hw(shape, spatial_rank), kernel, win);
  Attributes attrs = pool_attrs(kernel, win);
  const bool count_pad = kind == OpKind::AvgPool2D && node.attr_int("count_include_pad", 0) != 0;
  if (count_pad) attrs.set("count_include_pad", int64_t{1});

  const int nhwc = onnx_input_as_nhwc(node, x, spatial_rank);
  int y = node.add(kind, {nhwc}, std::move(attrs));
  if (count_pad && (ceil_pads[0] || ceil_pads[1]))
    y = ceil_mode_rescale(node, y, geometry_of(win, kernel), node.tensor(nhwc).shape, ceil_pads);
  emit_nhwc_as_onnx(node, y, spatial_rank);
}

// ---- TFLite writer -----------------------------------------------------------

constexpr DTypeVersion kPoolVersions[] = {{DType::Int8, 2}, {DType::Int16, 3}};  // op_version.cc

// The TFLite input and padding. SAME / VALID when exact; otherwise a padding
// operator in front of a VALID pool: for a max pool the lowest value, which
// never wins (an all-padding window gives it in the IR op too); for an
// average pool that counts padding, zeros. An average pool that leaves
// padding out of the count has no such form.
WindowInput pool_input(TfliteOpWriter& w, const Node& n, const Window2D& win) {
  const Window2DSpec spec{n.attrs.get_ints("kernel"), win.strides, win.dilations, win.pads};
  if (n.op == OpKind::MaxPool2D) return window_input(w, spec, PadFill::Lowest);
  const bool padded = std::any_of(win.pads.begin(), win.pads.end(), [](int64_t p) { return p != 0; });
  if (padded && n.attrs.get_int("count_include_pad", 0) != 0)
    return {add_spatial_pad(w, win.pads, PadFill::Zero), tflite::Padding_VALID};
  if (auto padding = implicit_padding(w.input_tensor(0).shape, spec)) return {w.input(0), *padding};
  w.unsupported("pads " + shape_string(win.pads) +
                " are neither TFLite's SAME nor VALID, and explicit padding would enter the average");
}

template <tflite::BuiltinOperator code>
void write_tflite_pool(TfliteOpWriter& w, const Node& n) {
  const Window2D win = window_of(n);
  if (win.dilations[0] != 1 || win.dilations[1] != 1) w.unsupported("dilated pooling");
  w.require_same_quantization();
  const std::vector<int64_t> kernel = n.attrs.get_ints("kernel");
  const WindowInput in = pool_input(w, n, win);
  TfliteOperator op{code, version_for(kPoolVersions, w.input_tensor(0).dtype), {in.tensor}, {w.output()}};
  op.options_type = tflite::BuiltinOptions_Pool2DOptions;
  op.options = tflite::CreatePool2DOptions(w.builder(), in.padding, static_cast<int>(win.strides[1]),
                                           static_cast<int>(win.strides[0]), static_cast<int>(kernel[1]),
                                           static_cast<int>(kernel[0]), fused_activation(n))
                   .Union();
  w.add_operator(op);
}

}  // namespace

OpDef define_MaxPool2D() {
  OpDef def{OpKind::MaxPool2D, infer_pool, eval_max_pool};
  def.onnx = {{"MaxPool", import_onnx_pool<OpKind::MaxPool2D>}};
  def.tflite = {{tflite::BuiltinOperator_MAX_POOL_2D, import_tflite_pool<OpKind::MaxPool2D>}};
  def.write_tflite = write_tflite_pool<tflite::BuiltinOperator_MAX_POOL_2D>;
  def.quant = QuantTraits::same_as_input();
  return def;
}

OpDef define_AvgPool2D() {
  OpDef def{OpKind::AvgPool2D, infer_pool, eval_avg_pool};
  def.onnx = {{"AveragePool", import_onnx_pool<OpKind::AvgPool2D>}};
  def.tflite = {{tflite::BuiltinOperator_AVERAGE_POOL_2D, import_tflite_pool<OpKind::AvgPool2D>}};
  def.write_tflite = write_tflite_pool<tflite::BuiltinOperator_AVERAGE_POOL_2D>;
  def.quant = QuantTraits::same_as_input();
  return def;
}

}  // namespace octet
