// Resize: spatial resampling of an NHWC tensor to "size" [out_h, out_w].
// "mode" nearest|linear; "coordinate_transformation_mode" and "nearest_mode"
// follow ONNX Resize-11+. Optional "scales" [sh, sw] keep an ONNX scale that
// is not out/in (e.g. 0.6 on 4 pixels gives 2 pixels, mapped with 1/0.6);
// without it the scale is out/in. Float32.
#include <algorithm>
#include <cmath>
#include <optional>

#include "export/tflite_op_writer.h"
#include "import/onnx_importer.h"
#include "import/tflite_importer.h"
#include "ops/int8_eval.h"
#include "ops/op_def.h"
#include "ops/op_util.h"
#include "runtime/int8/resize.h"
#include "runtime/kernel.h"

namespace octet {
namespace {

const char* const kCoordinateModes[] = {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                                        "tf_half_pixel_for_nearest"};
const char* const kNearestModes[] = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};

template <size_t N>
bool one_of(const std::string& s, const char* const (&names)[N]) {
  for (const char* name : names)
    if (s == name) return true;
  return false;
}

void infer_resize(Graph& g, const Node& n) {
  const Tensor& in = input_of(g, n, 0);
  const std::vector<int64_t> size = n.attrs.get_ints("size");
  if (in.shape.size() != 4) shape_error(n, "input must be NHWC, got " + shape_string(in.shape));
  if (size.size() != 2 || size[0] <= 0 || size[1] <= 0) shape_error(n, "size must be two positive values");
  if (in.shape[1] == 0 || in.shape[2] == 0) shape_error(n, "cannot resize an empty image");
  const std::string mode = n.attrs.get_string("mode", "nearest");
  if (mode != "nearest" && mode != "linear") shape_error(n, "unknown mode '" + mode + "'");
  if (!one_of(n.attrs.get_string("coordinate_transformation_mode", "half_pixel"), kCoordinateModes))
    shape_error(n, "unknown coordinate_transformation_mode");
  if (!one_of(n.attrs.get_string("nearest_mode", "round_prefer_floor"), kNearestModes))
    shape_error(n, "unknown nearest_mode");
  if (n.attrs.get_floats("scales", {1, 1}).size() != 2) shape_error(n, "scales must be two values");
  set_output(g, n, 0, in.dtype, {in.shape[0], size[0], size[1], in.shape[3]});
}

// Where output index `o` falls in the input, in input pixel units (ONNX
// Resize coordinate_transformation_mode). Double precision, like the ONNX
// reference, so that nearest-mode ties round the same way.
double source_coordinate(int64_t o, int64_t in_size, double scale, const std::string& mode) {
  const double length = scale * static_cast<double>(in_size);  // the unrounded output length
  if (mode == "align_corners") return length == 1 ? 0.0 : o * (in_size - 1) / (length - 1);
  if (mode == "asymmetric") return o / scale;
  if (mode == "tf_half_pixel_for_nearest") return (o + 0.5) / scale;
  if (mode == "pytorch_half_pixel" && length == 1) return 0.0;
  return (o + 0.5) / scale - 0.5;  // half_pixel, pytorch_half_pixel
}

int64_t nearest_index(double x, const std::string& mode, int64_t in_size) {
  double i;
  if (mode == "floor") i = std::floor(x);
  else if (mode == "ceil") i = std::ceil(x);
  else if (mode == "round_prefer_ceil") i = std::floor(x + 0.5);
  else i = std::ceil(x - 0.5);  // round_prefer_floor
  return std::min(std::max<int64_t>(static_cast<int64_t>(i), 0), in_size - 1);
}

// Along one axis, each output index reads input `lo` with weight 1-w and `hi`
// with weight w (nearest: lo == hi).
struct Taps {
  std::vector<int64_t> lo, hi;
  std::vector<float> w;
};

Taps axis_taps(const Node& n, int axis, int64_t in_size, int64_t out_size) {
  const std::vector<float> scales = n.attrs.get_floats("scales");
  const double scale = scales.empty() ? static_cast<double>(out_size) / in_size : scales[axis];
  const std::string coordinates = n.attrs.get_string("coordinate_transformation_mode", "half_pixel");
  const std::string nearest = n.attrs.get_string("nearest_mode", "round_prefer_floor");
  const bool linear = n.attrs.get_string("mode", "nearest") == "linear";
  Taps t;
  for (int64_t o = 0; o < out_size; ++o) {
    const double x = source_coordinate(o, in_size, scale, coordinates);
    if (!linear) {
      t.lo.push_back(nearest_index(x, nearest, in_size));
      t.hi.push_back(t.lo.back());
      t.w.push_back(0.0f);
      continue;
    }
    // Neighbours outside the image repeat its edge.
    const double base = std::floor(x);
    const int64_t b = static_cast<int64_t>(base);
    t.lo.push_back(std::min(std::max<int64_t>(b, 0), in_size - 1));
    t.hi.push_back(std::min(std::max<int64_t>(b + 1, 0), in_size - 1));
    t.w.push_back(static_cast<float>(x - base));
  }
  return t;
}

// Defined after the writer's mapping onto TFLite's resize flags, which it uses.
void eval_resize_int8(KernelContext& ctx);

void eval_resize(KernelContext& ctx) {
  const TensorView& in = ctx.in(0);
  const TensorView& out = ctx.out();
  if (out.dtype == DType::Int8) return eval_resize_int8(ctx);
  if (out.dtype != DType::Float32) unsupported_dtype(ctx, out.dtype);
  const int64_t batch = in.shape[0], ih = in.shape[1], iw = in.shape[2], c = in.shape[3];
  const int64_t oh = out.shape[1], ow = out.shape[2];
  const Taps ty = axis_taps(ctx.node, 0, ih, oh), tx = axis_taps(ctx.node, 1, iw, ow);
  const float* src = in.as<float>();
  float* dst = out.as<float>();
  for (int64_t b = 0; b < batch; ++b) {
    const float* image = src + b * ih * iw * c;
    for (int64_t y = 0; y < oh; ++y) {
      const float* row0 = image + ty.lo[y] * iw * c;
      const float* row1 = image + ty.hi[y] * iw * c;
      const float wy = ty.w[y];
      for (int64_t x = 0; x < ow; ++x, dst += c) {
        const float* p00 = row0 + tx.lo[x] * c;
        const float* p01 = row0 + tx.hi[x] * c;
        const float* p10 = row1 + tx.lo[x] * c;
        const float* p11 = row1 + tx.hi[x] * c;
        const float wx = tx.w[x];
        for (int64_t k = 0; k < c; ++k) {
          const float top = p00[k] + wx * (p01[k] - p00[k]);
          const float bottom = p10[k] + wx * (p11[k] - p10[k]);
          dst[k] = top + wy * (bottom - top);
        }
      }
    }
  }
}

Attributes resize_attrs(int64_t h, int64_t w, const std::string& mode, const std::string& coordinates,
                        const std::string& nearest) {
  Attributes attrs;
  attrs.set("size", std::vector<int64_t>{h, w});
  attrs.set("mode", mode);
  attrs.set("coordinate_transformation_mode", coordinates);
  attrs.set("nearest_mode", nearest);
  return attrs;
}

// ---- ONNX ------------------------------------------------------------------

// Output sizes and per-axis scales for a 4-D NCHW Resize/Upsample; the scales
// are empty when the source gave sizes.
struct Target {
  Shape sizes;
  std::vector<float> scales;
};

Target target_from_scales(const Shape& in, const std::vector<float>& scales) {
  Target t{{}, scales};
  for (size_t d = 0; d < in.size(); ++d)
    t.sizes.push_back(static_cast<int64_t>(std::floor(static_cast<double>(in[d]) * scales[d])));
  return t;
}

// The dimensions that sizes or scales cover: opset 18's `axes`, else all.
std::vector<size_t> covered_dims(const OnnxNodeImporter& node, size_t rank) {
  std::vector<size_t> dims;
  const std::vector<int64_t> axes = node.attr_ints("axes");
  for (size_t d = 0; axes.empty() && d < rank; ++d) dims.push_back(d);
  for (int64_t a : axes) {
    if (a < -static_cast<int64_t>(rank) || a >= static_cast<int64_t>(rank)) node.bad_shape("axis out of range");
    dims.push_back(static_cast<size_t>(a < 0 ? a + static_cast<int64_t>(rank) : a));
  }
  return dims;
}

// Sizes come from the `sizes` input (11+) when it is not empty, else from
// scales: the Upsample-7 attribute, or input 1 (Upsample-9, Resize-10) or 2.
// keep_aspect_ratio_policy (18) replaces the sizes by one common scale.
Target onnx_resize_target(OnnxNodeImporter& node, const Shape& in) {
  const std::vector<size_t> dims = covered_dims(node, in.size());
  const bool resize11 = node.op_type() == "Resize" && node.opset() >= 11;
  if (!(resize11 && node.has_input(3) && node.input_tensor(3).element_count() > 0)) {
    const std::vector<float> given = node.op_type() == "Upsample" && node.opset() < 9 ? node.attr_floats("scales")
                                                                                      : node.constant_floats(resize11 ? 2 : 1);
    if (given.size() != dims.size()) node.bad_shape("scales need one value per resized dimension");
    std::vector<float> scales(in.size(), 1.0f);
    for (size_t i = 0; i < dims.size(); ++i) scales[dims[i]] = given[i];
    return target_from_scales(in, scales);
  }
  const std::vector<int64_t> given = node.constant_ints(3);
  if (given.size() != dims.size()) node.bad_shape("sizes need one value per resized dimension");
  Target t{in, {}};
  for (size_t i = 0; i < dims.size(); ++i) t.sizes[dims[i]] = given[i];
  const std::string policy = node.attr_string("keep_aspect_ratio_policy", "stretch");
  if (policy == "stretch") return t;
  if (policy != "not_larger" && policy != "not_smaller") node.unsupported("keep_aspect_ratio_policy '" + policy + "'");
  double scale = policy == "not_larger" ? INFINITY : 0.0;
  for (size_t d : dims) {
    const double s = static_cast<double>(t.sizes[d]) / in[d];
    scale = policy == "not_larger" ? std::min(scale, s) : std::max(scale, s);
  }
  t.scales.assign(in.size(), 1.0f);
  for (size_t d : dims) {
    t.scales[d] = static_cast<float>(scale);
    t.sizes[d] = static_cast<int64_t>(std::nearbyint(in[d] * scale));
  }
  return t;
}

// Before Resize-11 nearest had no nearest_mode; onnxruntime floors when
// enlarging and ceils when shrinking, and we match it.
std::string legacy_nearest_mode(OnnxNodeImporter& node, const std::vector<float>& scales) {
  const bool shrinks = scales[2] < 1 || scales[3] < 1, grows = scales[2] > 1 || scales[3] > 1;
  if (shrinks && grows) node.unsupported("nearest resize that shrinks one axis and grows the other (opset < 11)");
  return shrinks ? "ceil" : "floor";
}

void import_onnx_resize(OnnxNodeImporter& node) {
  const Shape& in = node.input_tensor(0).shape;
  const bool legacy = node.op_type() == "Upsample" || node.opset() < 11;
  std::string mode = node.attr_string("mode", "nearest");
  if (mode == "bilinear") mode = "linear";
  if (mode != "nearest" && mode != "linear") node.unsupported("mode '" + mode + "' is not supported");
  if (node.attr_int("antialias", 0) != 0) node.unsupported("antialias is not supported");
  std::string coordinates = legacy ? "asymmetric" : node.attr_string("coordinate_transformation_mode", "half_pixel");
  if (coordinates == "tf_half_pixel_for_nn") coordinates = "tf_half_pixel_for_nearest";  // ONNX's spelling
  if (!one_of(coordinates, kCoordinateModes)) node.unsupported("coordinate_transformation_mode '" + coordinates + "'");
  if (in.size() != 4) node.unsupported("only 4-D (NCHW) inputs are supported, got rank " + std::to_string(in.size()));
  Target t = onnx_resize_target(node, in);
  if (t.sizes[0] != in[0] || t.sizes[1] != in[1]) node.unsupported("resizing the batch or channel dimension");
  std::string nearest = node.attr_string("nearest_mode", "round_prefer_floor");
  if (legacy && mode == "nearest") nearest = legacy_nearest_mode(node, t.scales);
  Attributes attrs = resize_attrs(t.sizes[2], t.sizes[3], mode, coordinates, nearest);
  if (!t.scales.empty()) attrs.set("scales", std::vector<float>{t.scales[2], t.scales[3]});
  const int resized = node.add(OpKind::Resize, {node.to_channels_last(node.input(0))}, attrs);
  Attributes to_nchw;
  to_nchw.set("perm", std::vector<int64_t>{0, 3, 1, 2});
  node.emit(OpKind::Transpose, {resized}, to_nchw);
}

// ---- TFLite ----------------------------------------------------------------

// RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR: inputs (NHWC data, size [h, w]).
// align_corners and half_pixel_centers map onto ONNX coordinate modes; the
// nearest kernel floors, except with align_corners where it rounds half up.
void import_tflite_resize(TfliteOpImporter& op) {
  const bool bilinear = op.code() == tflite::BuiltinOperator_RESIZE_BILINEAR;
  bool align_corners = false, half_pixel = false;
  if (const auto* o = op.op().builtin_options_as_ResizeBilinearOptions()) {
    align_corners = o->align_corners();
    half_pixel = o->half_pixel_centers();
  }
  if (const auto* o = op.op().builtin_options_as_ResizeNearestNeighborOptions()) {
    align_corners = o->align_corners();
    half_pixel = o->half_pixel_centers();
  }
  if (align_corners && half_pixel) op.unsupported("align_corners together with half_pixel_centers");
  const std::vector<int64_t> size = op.constant_ints(1);
  if (size.size() != 2) op.bad_shape("size must hold [height, width]");
  std::string coordinates = align_corners ? "align_corners" : "asymmetric";
  if (half_pixel) coordinates = bilinear ? "half_pixel" : "tf_half_pixel_for_nearest";
  const std::string nearest = align_corners ? "round_prefer_ceil" : "floor";
  op.emit(OpKind::Resize, {op.input(0)},
          resize_attrs(size[0], size[1], bilinear ? "linear" : "nearest", coordinates, nearest));
}

// ---- TFLite writer ---------------------------------------------------------------

constexpr DTypeVersion kResizeVersions[] = {{DType::Int8, 2}, {DType::Int16, 4}};  // op_version.cc, both ops

struct ResizeFlags {
  bool align_corners, half_pixel_centers;
};

// The input index TFLite's RESIZE_NEAREST_NEIGHBOR reads for output `o`
// (its reference kernel, in float as it computes).
int64_t tflite_nearest(int64_t o, int64_t in, int64_t out, ResizeFlags f) {
  const float scale =
      f.align_corners && out > 1 ? (in - 1) / static_cast<float>(out - 1) : in / static_cast<float>(out);
  const float x = (static_cast<float>(o) + (f.half_pixel_centers ? 0.5f : 0.0f)) * scale;
  const int64_t i = std::min(static_cast<int64_t>(f.align_corners ? std::round(x) : std::floor(x)), in - 1);
  return f.half_pixel_centers ? std::max<int64_t>(i, 0) : i;
}

// Nearest: the flags under which TFLite reads the same pixels as the node,
// compared index by index, so any ONNX coordinate and rounding mode that
// agrees for these sizes is written.
std::optional<ResizeFlags> nearest_flags(const Node& n, const Shape& in, const Shape& out) {
  for (ResizeFlags f : {ResizeFlags{false, false}, ResizeFlags{true, false}, ResizeFlags{false, true}}) {
    bool same = true;
    for (int axis = 0; axis < 2 && same; ++axis) {
      const Taps taps = axis_taps(n, axis, in[1 + axis], out[1 + axis]);
      for (int64_t o = 0; o < out[1 + axis] && same; ++o)
        same = taps.lo[o] == tflite_nearest(o, in[1 + axis], out[1 + axis], f);
    }
    if (same) return f;
  }
  return std::nullopt;
}

// Bilinear: the coordinate modes TFLite has, at TFLite's scale in/out.
// pytorch_half_pixel differs from half_pixel only for outputs of length 1.
std::optional<ResizeFlags> bilinear_flags(const Node& n, const Shape& in, const Shape& out) {
  const std::vector<float> scales = n.attrs.get_floats("scales");
  for (size_t axis = 0; axis < scales.size(); ++axis) {
    const double ratio = static_cast<double>(out[1 + axis]) / in[1 + axis];
    if (std::abs(scales[axis] - ratio) > 1e-6 * ratio) return std::nullopt;
  }
  const std::string mode = n.attrs.get_string("coordinate_transformation_mode", "half_pixel");
  if (mode == "asymmetric") return ResizeFlags{false, false};
  if (mode == "align_corners") return ResizeFlags{true, false};
  if (mode == "half_pixel" || (mode == "pytorch_half_pixel" && out[1] > 1 && out[2] > 1))
    return ResizeFlags{false, true};
  return std::nullopt;
}

// TFLite's int8 RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR with the flags the
// writer gives the node. They move raw codes: like-quantized tensors only.
void eval_resize_int8(KernelContext& ctx) {
  with_node_in_errors(ctx, [&] {
    require_same_quantization(ctx);
    const Shape &in = ctx.in(0).shape, &out = ctx.out().shape;
    const bool linear = ctx.node.attrs.get_string("mode", "nearest") == "linear";
    const std::optional<ResizeFlags> flags =
        linear ? bilinear_flags(ctx.node, in, out) : nearest_flags(ctx.node, in, out);
    if (!flags) fail(ErrorKind::Unsupported, "no TFLite align_corners / half_pixel_centers mode matches this resize");
    const int8::ResizeOptions options{flags->align_corners, flags->half_pixel_centers};
    const int8::Nhwc image = nhwc_of(ctx.in(0));
    const int out_h = static_cast<int>(out[1]), out_w = static_cast<int>(out[2]);
    const int8_t* x = ctx.in(0).as<int8_t>();
    int8_t* y = ctx.out().as<int8_t>();
    if (linear)
      int8::resize_bilinear(int8::prepare_resize_bilinear(image, out_h, out_w, options), x, y);
    else
      int8::resize_nearest(int8::prepare_resize_nearest(image, out_h, out_w, options), x, y);
  });
}

void write_tflite_resize(TfliteOpWriter& w, const Node& n) {
  const Shape &in = w.input_tensor(0).shape, &out = w.output_tensor().shape;
  const bool linear = n.attrs.get_string("mode", "nearest") == "linear";
  w.require_same_quantization();
  const std::optional<ResizeFlags> flags = linear ? bilinear_flags(n, in, out) : nearest_flags(n, in, out);
  if (!flags)
    w.unsupported(std::string(linear ? "linear" : "nearest") + " resize with coordinate_transformation_mode '" +
                  n.attrs.get_string("coordinate_transformation_mode", "half_pixel") +
                  "' (and its scales / rounding) matches none of TFLite's align_corners / half_pixel_centers modes");
  TfliteOperator op{linear ? tflite::BuiltinOperator_RESIZE_BILINEAR : tflite::BuiltinOperator_RESIZE_NEAREST_NEIGHBOR,
                    version_for(kResizeVersions, w.input_tensor(0).dtype),
                    {w.input(0), w.add_int32s("size", n.attrs.get_ints("size"))},
                    {w.output()}};
  const bool v3 = flags->half_pixel_centers || (!linear && flags->align_corners);
  op.version = std::max(op.version, v3 ? 3 : 1);
  if (linear) {
    op.options_type = tflite::BuiltinOptions_ResizeBilinearOptions;
    op.options =
        tflite::CreateResizeBilinearOptions(w.builder(), flags->align_corners, flags->half_pixel_centers).Union();
  } else {
    op.options_type = tflite::BuiltinOptions_ResizeNearestNeighborOptions;
    op.options =
        tflite::CreateResizeNearestNeighborOptions(w.builder(), flags->align_corners, flags->half_pixel_centers)
            .Union();
  }
  w.add_operator(op);
}

}  // namespace

OpDef define_Resize() {
  OpDef def{OpKind::Resize, infer_resize, eval_resize};
  def.onnx = {{"Resize", import_onnx_resize}, {"Upsample", import_onnx_resize}};
  def.tflite = {{tflite::BuiltinOperator_RESIZE_BILINEAR, import_tflite_resize},
                {tflite::BuiltinOperator_RESIZE_NEAREST_NEIGHBOR, import_tflite_resize}};
  def.write_tflite = write_tflite_resize;
  def.quant = QuantTraits::same_as_input();
  return def;
}

}  // namespace octet
