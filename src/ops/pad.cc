// Pad: grows each dimension by "pads" [begin_0..begin_{r-1}, end_0..end_{r-1}]
// (non-negative; importers turn negative ONNX pads into a Slice). "mode" is
// constant (fill with "value"), reflect (mirror without repeating the edge) or
// edge (repeat the edge). Any dtype.
#include <algorithm>
#include <optional>

#include "export/tflite_padding.h"
#include "import/onnx_importer.h"
#include "import/tflite_importer.h"
#include "ops/data_movement.h"
#include "ops/int8_eval.h"
#include "ops/op_def.h"
#include "ops/op_util.h"
#include "ops/permute_util.h"
#include "runtime/int8/pad.h"

namespace octet {
namespace {

enum class PadMode { Constant, Reflect, Edge };

bool parse_mode(const std::string& name, PadMode& mode) {
  if (name == "constant") mode = PadMode::Constant;
  else if (name == "reflect") mode = PadMode::Reflect;
  else if (name == "edge") mode = PadMode::Edge;
  else return false;
  return true;
}

void infer_pad(Graph& g, const Node& n) {
  const Tensor& in = input_of(g, n, 0);
  const std::vector<int64_t> pads = n.attrs.get_ints("pads");
  const size_t rank = in.shape.size();
  PadMode mode;
  if (!parse_mode(n.attrs.get_string("mode", "constant"), mode)) shape_error(n, "unknown pad mode");
  if (pads.size() != 2 * rank) shape_error(n, "pads need 2 values per dimension of " + shape_string(in.shape));
  Shape out = in.shape;
  for (size_t d = 0; d < rank; ++d) {
    if (pads[d] < 0 || pads[d + rank] < 0) shape_error(n, "negative pad");
    if (mode != PadMode::Constant && in.shape[d] == 0 && pads[d] + pads[d + rank] > 0)
      shape_error(n, "cannot reflect or extend an empty dimension");
    out[d] += pads[d] + pads[d + rank];
  }
  set_output(g, n, 0, in.dtype, out);
}

// Source index along one dimension for each output index; -1 means "fill".
std::vector<int64_t> source_indices(int64_t size, int64_t before, int64_t out_size, PadMode mode) {
  std::vector<int64_t> src(out_size);
  const int64_t period = 2 * (size - 1);
  for (int64_t o = 0; o < out_size; ++o) {
    int64_t i = o - before;
    if (i >= 0 && i < size) {
      src[o] = i;
    } else if (mode == PadMode::Constant) {
      src[o] = -1;
    } else if (mode == PadMode::Edge || size == 1) {
      src[o] = std::min(std::max<int64_t>(i, 0), size - 1);
    } else {  // reflect, folding as often as the pad needs (as numpy does)
      i %= period;
      if (i < 0) i += period;
      src[o] = i < size ? i : period - i;
    }
  }
  return src;
}

// Each output row (all but the last dimension) reads one input row through
// the per-dimension source maps, or is all fill when any outer index is.
template <typename T>
void pad_rows(const TensorView& in, const TensorView& out, const std::vector<std::vector<int64_t>>& maps, T fill) {
  const size_t rank = out.shape.size();
  const std::vector<int64_t> in_strides = strides_of(in.shape);
  const std::vector<int64_t>& inner = maps[rank - 1];
  const T* src = in.as<T>();
  T* dst = out.as<T>();
  std::vector<int64_t> index(rank, 0);
  do {
    int64_t offset = 0;
    bool filled = false;
    for (size_t d = 0; d + 1 < rank && !filled; ++d) {
      filled = maps[d][index[d]] < 0;
      offset += maps[d][index[d]] * in_strides[d];
    }
    for (size_t x = 0; x < inner.size(); ++x) dst[x] = filled || inner[x] < 0 ? fill : src[offset + inner[x]];
    dst += inner.size();
  } while (next_index(index, out.shape, 1));
}

// TFLite's int8 PAD (real 0 pads with the output zero point) and PADV2 (the
// value stored as the writer stores it), on like-quantized tensors.
int8::PadParams prepare_pad_int8(const KernelContext& ctx, const std::vector<int64_t>& pads, float value) {
  const size_t rank = ctx.in(0).shape.size();
  const std::vector<int64_t> before(pads.begin(), pads.begin() + rank), after(pads.begin() + rank, pads.end());
  std::optional<int8_t> constant;
  if (value != 0.0f) constant = int8_constant_like(value, output_quant(ctx));
  return int8::prepare_pad(ctx.in(0).shape, before, after, input_affine(ctx, 0), output_affine(ctx), constant);
}

void eval_pad_int8(KernelContext& ctx, const std::vector<int64_t>& pads, float value) {
  with_node_in_errors(ctx, [&] {
    const int8::PadParams p = prepare_pad_int8(ctx, pads, value);
    int8::pad(p, ctx.in(0).as<int8_t>(), ctx.out().as<int8_t>());
  });
}

void eval_pad(KernelContext& ctx) {
  const TensorView& in = ctx.in(0);
  const TensorView& out = ctx.out();
  if (out.element_count() == 0) return;
  const std::vector<int64_t> pads = ctx.node.attrs.get_ints("pads");
  const float value = ctx.node.attrs.get_float("value", 0.0f);
  PadMode mode = PadMode::Constant;
  parse_mode(ctx.node.attrs.get_string("mode", "constant"), mode);
  if (out.dtype == DType::Int8 && is_quantized(ctx)) {
    if (mode == PadMode::Constant) return eval_pad_int8(ctx, pads, value);
    // MIRROR_PAD copies raw codes: the generic path below.
    with_node_in_errors(ctx, [&] { require_same_quantization(ctx); });
  }
  const size_t rank = in.shape.size();
  if (rank == 0) {
    std::memcpy(out.data, in.data, element_bytes(out));
    return;
  }
  std::vector<std::vector<int64_t>> maps;
  for (size_t d = 0; d < rank; ++d) maps.push_back(source_indices(in.shape[d], pads[d], out.shape[d], mode));
  switch (out.dtype) {
    case DType::Float32: return pad_rows<float>(in, out, maps, value);
    case DType::Int8: return pad_rows<int8_t>(in, out, maps, static_cast<int8_t>(value));
    case DType::UInt8: return pad_rows<uint8_t>(in, out, maps, static_cast<uint8_t>(value));
    case DType::Int16: return pad_rows<int16_t>(in, out, maps, static_cast<int16_t>(value));
    case DType::Int32: return pad_rows<int32_t>(in, out, maps, static_cast<int32_t>(value));
    case DType::Int64: return pad_rows<int64_t>(in, out, maps, static_cast<int64_t>(value));
    case DType::Bool: return pad_rows<bool>(in, out, maps, value != 0.0f);
    default: unsupported_dtype(ctx, out.dtype);
  }
}

Attributes pad_attrs(std::vector<int64_t> pads, const std::string& mode, float value) {
  Attributes attrs;
  attrs.set("pads", std::move(pads));
  attrs.set("mode", mode);
  attrs.set("value", value);
  return attrs;
}

// ONNX pads may be negative (crop): pad by the positive parts, then slice the
// negative parts off, as the ONNX reference does.
void emit_onnx_pad(OnnxNodeImporter& node, std::vector<int64_t> pads, const std::string& mode, float value) {
  const Shape& in = node.input_tensor(0).shape;
  const size_t rank = in.size();
  if (pads.size() != 2 * rank) node.bad_shape("pads need 2 values per dimension");
  std::vector<int64_t> grow(pads), starts(rank), ends(rank), steps(rank, 1);
  bool crops = false;
  for (size_t i = 0; i < pads.size(); ++i) {
    grow[i] = std::max<int64_t>(pads[i], 0);
    crops = crops || pads[i] < 0;
  }
  if (!crops) return node.emit(OpKind::Pad, {node.input(0)}, pad_attrs(pads, mode, value));
  for (size_t d = 0; d < rank; ++d) {
    const int64_t padded = in[d] + grow[d] + grow[d + rank];
    starts[d] = grow[d] - pads[d];  // what a negative begin pad crops
    ends[d] = std::max(starts[d], padded - (grow[d + rank] - pads[d + rank]));
  }
  Attributes window;
  window.set("starts", starts);
  window.set("ends", ends);
  window.set("steps", steps);
  node.emit(OpKind::Slice, {node.add(OpKind::Pad, {node.input(0)}, pad_attrs(grow, mode, value))}, window);
}

// Opset < 11: attributes pads, mode, value. 11+: inputs pads, constant_value,
// and from 18 axes (pads then cover only those axes).
void import_onnx_pad(OnnxNodeImporter& node) {
  const std::string mode = node.attr_string("mode", "constant");
  PadMode parsed;
  if (!parse_mode(mode, parsed)) node.unsupported("pad mode '" + mode + "' is not supported");
  if (node.opset() < 11) return emit_onnx_pad(node, node.attr_ints("pads"), mode, node.attr_float("value", 0.0f));
  std::vector<int64_t> pads = node.constant_ints(1);
  const float value = node.has_input(2) ? node.constant_floats(2).at(0) : 0.0f;
  if (node.has_input(3)) {
    const int64_t rank = static_cast<int64_t>(node.input_tensor(0).shape.size());
    const std::vector<int64_t> axes = node.constant_ints(3);
    if (pads.size() != 2 * axes.size()) node.bad_shape("pads need 2 values per axis");
    std::vector<int64_t> full(2 * rank, 0);
    for (size_t i = 0; i < axes.size(); ++i) {
      const int64_t a = axes[i] < 0 ? axes[i] + rank : axes[i];
      if (a < 0 || a >= rank) node.bad_shape("axis " + std::to_string(axes[i]) + " out of range");
      full[a] = pads[i];
      full[a + rank] = pads[i + axes.size()];
    }
    pads = full;
  }
  emit_onnx_pad(node, pads, mode, value);
}

// PAD / PADV2 / MIRROR_PAD: paddings are a [rank, 2] tensor of (before, after).
std::vector<int64_t> tflite_pads(TfliteOpImporter& op) {
  const std::vector<int64_t> pairs = op.constant_ints(1);
  const size_t rank = op.input_tensor(0).shape.size();
  if (pairs.size() != 2 * rank) op.bad_shape("paddings must be [rank, 2]");
  std::vector<int64_t> pads(2 * rank);
  for (size_t d = 0; d < rank; ++d) {
    pads[d] = pairs[2 * d];
    pads[d + rank] = pairs[2 * d + 1];
  }
  return pads;
}

void import_tflite_pad(TfliteOpImporter& op) {
  float value = 0.0f;
  if (op.code() == tflite::BuiltinOperator_PADV2 && op.has_input(2)) value = op.constant_floats(2).at(0);
  op.emit(OpKind::Pad, {op.input(0)}, pad_attrs(tflite_pads(op), "constant", value));
}

// MIRROR_PAD REFLECT is our reflect. SYMMETRIC mirrors the edge too, which
// for pads of at most 1 is our edge mode and otherwise has no IR form.
void import_tflite_mirror_pad(TfliteOpImporter& op) {
  const auto* options = op.op().builtin_options_as_MirrorPadOptions();
  const std::vector<int64_t> pads = tflite_pads(op);
  if (!options || options->mode() == tflite::MirrorPadMode_REFLECT)
    return op.emit(OpKind::Pad, {op.input(0)}, pad_attrs(pads, "reflect", 0.0f));
  if (std::any_of(pads.begin(), pads.end(), [](int64_t p) { return p > 1; }))
    op.unsupported("SYMMETRIC mirror padding by more than 1 is not supported");
  op.emit(OpKind::Pad, {op.input(0)}, pad_attrs(pads, "edge", 0.0f));
}

// Layout: each dimension's begin and end pads follow it through the transpose.
std::optional<Permuted> permute_pad(const Graph&, Node& node, const std::vector<int64_t>& perm) {
  const std::vector<int64_t> pads = node.attrs.get_ints("pads");
  const size_t rank = perm.size();
  if (pads.size() != 2 * rank) return std::nullopt;
  std::vector<int64_t> moved = permute_per_dim({pads.begin(), pads.begin() + rank}, perm);
  const std::vector<int64_t> ends = permute_per_dim({pads.begin() + rank, pads.end()}, perm);
  moved.insert(moved.end(), ends.begin(), ends.end());
  node.attrs.set("pads", moved);
  return Permuted{{0}, perm};
}

// ---- TFLite writer ---------------------------------------------------------------

constexpr DTypeVersion kMirrorPadVersions[] = {{DType::Int8, 2}, {DType::Int16, 3}};  // op_version.cc

// Every pad of `pads` at most `limit(dim)`; names the first that is not.
template <typename F>
void require_pads_within(TfliteOpWriter& w, const std::vector<int64_t>& pads, const Shape& shape, F limit,
                         const char* why) {
  for (size_t i = 0; i < pads.size(); ++i)
    if (pads[i] > limit(shape[i % shape.size()]))
      w.unsupported("pad " + std::to_string(pads[i]) + " on dimension " + std::to_string(i % shape.size()) + ": " +
                    why);
}

// Constant padding with real zero is PAD (a quantized tensor pads with its
// zero point), with another value PADV2 (the value quantized like the input);
// reflect is MIRROR_PAD REFLECT, which reflects at most once (pads < dim);
// edge is MIRROR_PAD SYMMETRIC, the same thing for pads of at most 1.
void write_tflite_pad(TfliteOpWriter& w, const Node& n) {
  const Tensor& x = w.input_tensor(0);
  const size_t rank = x.shape.size();
  w.require_same_quantization();
  const std::vector<int64_t> pads = n.attrs.get_ints("pads");
  std::vector<int64_t> pairs;
  for (size_t d = 0; d < rank; ++d) pairs.insert(pairs.end(), {pads[d], pads[d + rank]});
  TfliteOperator op{tflite::BuiltinOperator_PAD, 1,
                    {w.input(0), w.add_int32s("paddings", pairs, {static_cast<int64_t>(rank), 2})},
                    {w.output()}};
  PadMode mode = PadMode::Constant;
  parse_mode(n.attrs.get_string("mode", "constant"), mode);
  if (mode == PadMode::Constant) {
    op.version = std::max(version_for(kPadVersions, x.dtype), rank > 4 ? 4 : 1);
    const float value = n.attrs.get_float("value", 0.0f);
    if (value != 0.0f) {
      op.code = tflite::BuiltinOperator_PADV2;
      op.inputs.push_back(w.add_constant(scalar_like("constant_value", x, value)));
    }
    return w.add_operator(op);
  }
  if (mode == PadMode::Reflect)
    require_pads_within(w, pads, x.shape, [](int64_t dim) { return dim - 1; }, "TFLite reflects at most once");
  else
    require_pads_within(w, pads, x.shape, [](int64_t) { return int64_t{1}; },
                        "TFLite repeats the edge only as a symmetric mirror of 1");
  op.code = tflite::BuiltinOperator_MIRROR_PAD;
  op.version = version_for(kMirrorPadVersions, x.dtype);
  op.options_type = tflite::BuiltinOptions_MirrorPadOptions;
  op.options = tflite::CreateMirrorPadOptions(w.builder(), mode == PadMode::Reflect ? tflite::MirrorPadMode_REFLECT
                                                                                    : tflite::MirrorPadMode_SYMMETRIC)
                   .Union();
  w.add_operator(op);
}

}  // namespace

OpDef define_Pad() {
  OpDef def{OpKind::Pad, infer_pad, eval_pad};
  def.onnx = {{"Pad", import_onnx_pad}};
  def.tflite = {{tflite::BuiltinOperator_PAD, import_tflite_pad},
                {tflite::BuiltinOperator_PADV2, import_tflite_pad},
                {tflite::BuiltinOperator_MIRROR_PAD, import_tflite_mirror_pad}};
  def.permute = permute_pad;
  def.write_tflite = write_tflite_pad;
  def.quant = QuantTraits::same_as_input();
  return def;
}

}  // namespace octet
