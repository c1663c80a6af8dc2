// Slice: a strided window. The IR carries "starts", "ends" and "steps" for
// every dimension, already normalized by the importer (non-negative starts,
// ends clamped, -1 allowed as the end of a backward slice), so the kernel only
// walks them. Any dtype.
#include <algorithm>
#include <limits>

#include "export/tflite_op_writer.h"
#include "import/onnx_importer.h"
#include "import/tflite_importer.h"
#include "ops/data_movement.h"
#include "ops/op_def.h"
#include "ops/op_util.h"
#include "ops/permute_util.h"

namespace octet {
namespace {

struct Window {
  std::vector<int64_t> starts, ends, steps;
};

int64_t window_length(int64_t start, int64_t end, int64_t step) {
  const int64_t span = step > 0 ? end - start : start - end;
  const int64_t stride = step > 0 ? step : -step;
  return span <= 0 ? 0 : (span + stride - 1) / stride;
}

void infer_slice(Graph& g, const Node& n) {
  const Tensor& in = input_of(g, n, 0);
  Window w{n.attrs.get_ints("starts"), n.attrs.get_ints("ends"), n.attrs.get_ints("steps")};
  const size_t rank = in.shape.size();
  if (w.starts.size() != rank || w.ends.size() != rank || w.steps.size() != rank)
    shape_error(n, "starts, ends and steps need one value per dimension of " + shape_string(in.shape));
  Shape out(rank);
  for (size_t d = 0; d < rank; ++d) {
    if (w.steps[d] == 0) shape_error(n, "step 0 on dimension " + std::to_string(d));
    out[d] = window_length(w.starts[d], w.ends[d], w.steps[d]);
    const int64_t last = w.starts[d] + (out[d] - 1) * w.steps[d];
    if (out[d] > 0 && (w.starts[d] < 0 || w.starts[d] >= in.shape[d] || last < 0 || last >= in.shape[d]))
      shape_error(n, "window on dimension " + std::to_string(d) + " leaves [0," + std::to_string(in.shape[d]) + ")");
  }
  set_output(g, n, 0, in.dtype, out);
}

template <typename T>
void copy_window(const TensorView& in, const TensorView& out, const Window& w) {
  const size_t rank = out.shape.size();
  const std::vector<int64_t> in_strides = strides_of(in.shape);
  const int64_t inner = rank ? out.shape[rank - 1] : 1;
  const int64_t inner_step = rank ? w.steps[rank - 1] : 1;
  const T* src = in.as<T>();
  T* dst = out.as<T>();
  std::vector<int64_t> index(rank, 0);
  do {
    int64_t offset = 0;
    for (size_t d = 0; d + 1 < rank; ++d) offset += (w.starts[d] + index[d] * w.steps[d]) * in_strides[d];
    const T* row = src + offset + (rank ? w.starts[rank - 1] : 0);
    if (inner_step == 1) std::memcpy(dst, row, inner * sizeof(T));
    else for (int64_t i = 0; i < inner; ++i) dst[i] = row[i * inner_step];
    dst += inner;
  } while (rank > 1 && next_index(index, out.shape, 1));
}

void eval_slice(KernelContext& ctx) {
  const TensorView& out = ctx.out();
  if (out.element_count() == 0) return;
  const Attributes& a = ctx.node.attrs;
  const Window w{a.get_ints("starts"), a.get_ints("ends"), a.get_ints("steps")};
  with_element_type(element_bytes(out), [&](auto t) { copy_window<decltype(t)>(ctx.in(0), out, w); });
}

Attributes window_attrs(const Window& w) {
  Attributes attrs;
  attrs.set("starts", w.starts);
  attrs.set("ends", w.ends);
  attrs.set("steps", w.steps);
  return attrs;
}

Window full_window(const Shape& shape) {
  return Window{std::vector<int64_t>(shape.size(), 0), shape, std::vector<int64_t>(shape.size(), 1)};
}

// Python-style bounds: negative values count from the end, then both are
// clamped to what the step direction can reach. A backward start may clamp to
// -1 (TFLite: empty) or to 0 (ONNX: the first element).
void clamp_bounds(int64_t dim, int64_t step, int64_t lowest_backward_start, int64_t& start, int64_t& end) {
  if (start < 0) start += dim;
  if (end < 0) end += dim;
  if (step > 0) {
    start = std::min(std::max<int64_t>(start, 0), dim);
    end = std::min(std::max<int64_t>(end, 0), dim);
  } else {
    start = std::min(std::max<int64_t>(start, lowest_backward_start), dim - 1);
    end = std::min(std::max<int64_t>(end, -1), dim - 1);
  }
}

// Opset < 10: attributes starts/ends/axes; 10+: inputs starts, ends, axes, steps.
void import_onnx_slice(OnnxNodeImporter& node) {
  const Shape& shape = node.input_tensor(0).shape;
  const int rank = static_cast<int>(shape.size());
  const bool from_inputs = node.opset() >= 10;
  std::vector<int64_t> starts = from_inputs ? node.constant_ints(1) : node.attr_ints("starts");
  std::vector<int64_t> ends = from_inputs ? node.constant_ints(2) : node.attr_ints("ends");
  std::vector<int64_t> axes = from_inputs ? (node.has_input(3) ? node.constant_ints(3) : std::vector<int64_t>{})
                                          : node.attr_ints("axes");
  std::vector<int64_t> steps = from_inputs && node.has_input(4) ? node.constant_ints(4) : std::vector<int64_t>{};
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    node.bad_shape("starts, ends, axes and steps differ in length");
  Window w = full_window(shape);
  std::vector<bool> seen(rank, false);
  for (size_t i = 0; i < axes.size(); ++i) {
    const int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
    if (axis < 0 || axis >= rank || seen[axis]) node.bad_shape("bad or repeated axis " + std::to_string(axes[i]));
    if (steps[i] == 0) node.bad_shape("step 0");
    seen[axis] = true;
    clamp_bounds(shape[axis], steps[i], 0, starts[i], ends[i]);
    w.starts[axis] = starts[i];
    w.ends[axis] = ends[i];
    w.steps[axis] = steps[i];
  }
  node.emit(OpKind::Slice, {node.input(0)}, window_attrs(w));
}

// STRIDED_SLICE: inputs (data, begin, end, strides). begin/end masks take the
// whole range; shrink axes keep one element and are reshaped away.
void import_tflite_strided_slice(TfliteOpImporter& op) {
  const auto* options = op.op().builtin_options_as_StridedSliceOptions();
  const int64_t begin_mask = options ? options->begin_mask() : 0;
  const int64_t end_mask = options ? options->end_mask() : 0;
  const int64_t shrink_mask = options ? options->shrink_axis_mask() : 0;
  if (options && (options->ellipsis_mask() || options->new_axis_mask()))
    op.unsupported("ellipsis_mask and new_axis_mask are not supported");
  if (options && options->offset()) op.unsupported("offset (end relative to begin) is not supported");
  const Shape& shape = op.input_tensor(0).shape;
  const std::vector<int64_t> begin = op.constant_ints(1), end = op.constant_ints(2), strides = op.constant_ints(3);
  if (begin.size() > shape.size() || end.size() != begin.size() || strides.size() != begin.size())
    op.bad_shape("begin, end and strides must have one value per sliced dimension");
  Window w = full_window(shape);
  Shape kept;
  constexpr int64_t kHuge = std::numeric_limits<int64_t>::max() / 2;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (d >= begin.size()) { kept.push_back(shape[d]); continue; }
    if (strides[d] == 0) op.bad_shape("stride 0");
    if ((shrink_mask >> d) & 1) {
      // TensorFlow ignores the masks on a shrunk axis and wants an in-range begin.
      const int64_t at = begin[d] < 0 ? begin[d] + shape[d] : begin[d];
      if (at < 0 || at >= shape[d]) op.bad_shape("shrunk index " + std::to_string(begin[d]) + " out of range");
      w.starts[d] = at;
      w.ends[d] = at + 1;
      continue;
    }
    int64_t start = (begin_mask >> d) & 1 ? (strides[d] > 0 ? -kHuge : kHuge) : begin[d];
    int64_t stop = (end_mask >> d) & 1 ? (strides[d] > 0 ? kHuge : -kHuge) : end[d];
    clamp_bounds(shape[d], strides[d], -1, start, stop);
    w.starts[d] = start;
    w.ends[d] = stop;
    w.steps[d] = strides[d];
    kept.push_back(window_length(start, stop, strides[d]));
  }
  if (!shrink_mask) return op.emit(OpKind::Slice, {op.input(0)}, window_attrs(w));
  Attributes reshape;
  reshape.set("shape", kept);
  op.emit(OpKind::Reshape, {op.add(OpKind::Slice, {op.input(0)}, window_attrs(w))}, reshape);
}

// SLICE: inputs (data, begin, size); size -1 means "to the end".
void import_tflite_slice(TfliteOpImporter& op) {
  const Shape& shape = op.input_tensor(0).shape;
  const std::vector<int64_t> begin = op.constant_ints(1), size = op.constant_ints(2);
  if (begin.size() != shape.size() || size.size() != shape.size())
    op.bad_shape("begin and size need one value per dimension");
  Window w = full_window(shape);
  for (size_t d = 0; d < shape.size(); ++d) {
    w.starts[d] = begin[d];
    w.ends[d] = size[d] < 0 ? shape[d] : begin[d] + size[d];
    if (begin[d] < 0 || w.ends[d] > shape[d]) op.bad_shape("slice leaves dimension " + std::to_string(d));
  }
  op.emit(OpKind::Slice, {op.input(0)}, window_attrs(w));
}

// Layout: each dimension's window follows it through the transpose.
std::optional<Permuted> permute_slice(const Graph&, Node& node, const std::vector<int64_t>& perm) {
  for (const char* name : {"starts", "ends", "steps"}) {
    const std::vector<int64_t> values = node.attrs.get_ints(name);
    if (values.size() != perm.size()) return std::nullopt;
    node.attrs.set(name, permute_per_dim(values, perm));
  }
  return Permuted{{0}, perm};
}

// ---- TFLite writer ---------------------------------------------------------------

constexpr DTypeVersion kStridedSliceVersions[] = {{DType::Int8, 2}, {DType::Bool, 3}};  // op_version.cc

// STRIDED_SLICE over the normalized window. TFLite reads a negative end as
// counted from the back, so a backward window running through index 0 (end
// -1 in the IR) sets the dimension's end_mask instead.
void write_tflite_strided_slice(TfliteOpWriter& w, const Node& n) {
  const size_t rank = w.input_tensor(0).shape.size();
  if (rank > 5) w.unsupported("STRIDED_SLICE takes at most 5 dimensions, not " + std::to_string(rank));
  w.require_same_quantization();
  std::vector<int64_t> ends = n.attrs.get_ints("ends");
  int end_mask = 0;
  for (size_t d = 0; d < rank; ++d)
    if (ends[d] < 0) {
      end_mask |= 1 << d;
      ends[d] = 0;
    }
  TfliteOperator op{tflite::BuiltinOperator_STRIDED_SLICE,
                    std::max(version_for(kStridedSliceVersions, w.input_tensor(0).dtype), rank > 4 ? 4 : 1),
                    {w.input(0), w.add_int32s("begin", n.attrs.get_ints("starts")), w.add_int32s("end", ends),
                     w.add_int32s("strides", n.attrs.get_ints("steps"))},
                    {w.output()}};
  op.options_type = tflite::BuiltinOptions_StridedSliceOptions;
  op.options = tflite::CreateStridedSliceOptions(w.builder(), 0, end_mask).Union();
  w.add_operator(op);
}

}  // namespace

OpDef define_Slice() {
  OpDef def{OpKind::Slice, infer_slice, eval_slice};
  def.onnx = {{"Slice", import_onnx_slice}};
  def.tflite = {{tflite::BuiltinOperator_STRIDED_SLICE, import_tflite_strided_slice},
                {tflite::BuiltinOperator_SLICE, import_tflite_slice}};
  def.permute = permute_slice;
  def.write_tflite = write_tflite_strided_slice;
  def.quant = QuantTraits::same_as_input();
  return def;
}

}  // namespace octet
