// ReduceMean and ReduceMax over the axes listed in "axes" (negative counts from
// the end; an empty list reduces nothing), keeping them as size 1 when
// "keepdims" is 1. ONNX GlobalAveragePool / GlobalMaxPool import as reductions
// over the spatial axes with keepdims, which needs no layout change.
#include <algorithm>
#include <functional>
#include <limits>

#include "export/tflite_op_writer.h"
#include "import/onnx_importer.h"
#include "import/tflite_importer.h"
#include "ops/data_movement.h"
#include "ops/int8_eval.h"
#include "ops/op_def.h"
#include "ops/op_util.h"
#include "ops/permute_util.h"
#include "runtime/int8/mean.h"
#include "runtime/kernel.h"

namespace octet {
namespace {

// Which input dimensions a node reduces. Repeated axes are accepted (TFLite
// allows them) and reduce once.
std::vector<bool> reduced_dims(const Node& n, int rank) {
  std::vector<bool> reduced(rank, false);
  for (int64_t axis : n.attrs.get_ints("axes")) {
    if (rank == 0) shape_error(n, "a scalar has no axes to reduce");
    reduced[normalize_axis(n, axis, rank)] = true;
  }
  return reduced;
}

void infer_reduce(Graph& g, const Node& n) {
  const Tensor& x = input_of(g, n, 0);
  std::vector<bool> reduced = reduced_dims(n, static_cast<int>(x.shape.size()));
  bool keepdims = n.attrs.get_int("keepdims", 1) != 0;
  Shape out;
  for (size_t d = 0; d < x.shape.size(); ++d) {
    if (!reduced[d])
      out.push_back(x.shape[d]);
    else if (keepdims)
      out.push_back(1);
  }
  set_output(g, n, 0, x.dtype, out);
}

// One loop of the reduction: `size` steps of `in_stride` input elements and
// `out_stride` output elements (0 along reduced dimensions).
struct Loop {
  int64_t size, in_stride, out_stride;
};

// The input's dimensions as loops, outermost first. Size-1 dimensions drop out
// and neighbours of the same kind (both kept or both reduced) merge, so a
// global pool over NCHW is one loop over N*C and one over H*W.
std::vector<Loop> reduction_loops(const Shape& shape, const std::vector<bool>& reduced) {
  std::vector<Loop> loops;  // innermost first while building
  int64_t in_stride = 1, out_stride = 1;
  for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
    if (shape[d] == 1) continue;
    bool kept = !reduced[d];
    if (!loops.empty() && (loops.back().out_stride != 0) == kept) {
      loops.back().size *= shape[d];
    } else {
      loops.push_back({shape[d], in_stride, kept ? out_stride : 0});
    }
    in_stride *= shape[d];
    if (kept) out_stride *= shape[d];
  }
  if (loops.empty()) loops.push_back({1, 1, 1});
  std::reverse(loops.begin(), loops.end());
  return loops;
}

// Folds every input element into its output element with `combine`; the output
// holds each reduction's starting value. The innermost loop has in_stride 1.
template <typename T, typename F>
void reduce_into(const T* in, T* out, const std::vector<Loop>& loops, F combine) {
  const Loop& inner = loops.back();
  const size_t outer_loops = loops.size() - 1;
  int64_t rows = 1;
  for (size_t d = 0; d < outer_loops; ++d) rows *= loops[d].size;
  std::vector<int64_t> index(outer_loops, 0);
  int64_t in_offset = 0, out_offset = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const T* row = in + in_offset;
    T* dst = out + out_offset;
    if (inner.out_stride == 0) {
      T acc = *dst;
      for (int64_t j = 0; j < inner.size; ++j) acc = combine(acc, row[j]);
      *dst = acc;
    } else {
      for (int64_t j = 0; j < inner.size; ++j) dst[j] = combine(dst[j], row[j]);
    }
    for (int d = static_cast<int>(outer_loops) - 1; d >= 0; --d) {
      in_offset += loops[d].in_stride;
      out_offset += loops[d].out_stride;
      if (++index[d] < loops[d].size) break;
      in_offset -= loops[d].in_stride * loops[d].size;
      out_offset -= loops[d].out_stride * loops[d].size;
      index[d] = 0;
    }
  }
}

std::vector<Loop> loops_of(const KernelContext& ctx) {
  const Shape& shape = ctx.in(0).shape;
  return reduction_loops(shape, reduced_dims(ctx.node, static_cast<int>(shape.size())));
}

// TFLite's int8 MEAN kernel averages H and W of an NHWC tensor. Any
// reduction over one run of adjacent axes (axes of extent 1 may fall either
// way) is that kernel with the run as W, H = 1, the axes before the run as N
// and those after it as C; others have no int8 form.
int8::MeanParams prepare_reduce_mean_int8(const KernelContext& ctx) {
  const Shape& shape = ctx.in(0).shape;
  const int rank = static_cast<int>(shape.size());
  const std::vector<bool> reduced = reduced_dims(ctx.node, rank);
  int first = rank, last = rank - 1;  // the run [first, last]; empty: a mean of one element each
  for (int d = 0; d < rank; ++d) {
    if (!reduced[d] || shape[d] == 1) continue;
    if (first == rank) first = d;
    last = d;
  }
  for (int d = first; d < last; ++d)
    if (!reduced[d] && shape[d] > 1) fail(ErrorKind::Unsupported, "int8 mean over axes that are not adjacent");
  const auto extent = [&](int begin, int end) { return static_cast<int>(dims_product(shape, begin, end)); };
  const int8::Nhwc view{extent(0, first), 1, extent(first, last + 1), extent(last + 1, rank)};
  return int8::prepare_mean_hw(view, input_affine(ctx, 0), output_affine(ctx));
}

void eval_reduce_mean_int8(KernelContext& ctx) {
  with_node_in_errors(ctx, [&] {
    const int8::MeanParams p = prepare_reduce_mean_int8(ctx);
    int8::mean_hw(p, ctx.in(0).as<int8_t>(), ctx.out().as<int8_t>());
  });
}

void eval_reduce_mean(KernelContext& ctx) {
  const TensorView &x = ctx.in(0), &y = ctx.out();
  if (x.dtype == DType::Int8) return eval_reduce_mean_int8(ctx);
  if (x.dtype != DType::Float32) unsupported_dtype(ctx, x.dtype);
  float* out = y.as<float>();
  std::fill(out, out + y.element_count(), 0.0f);
  reduce_into(x.as<float>(), out, loops_of(ctx), std::plus<float>());
  const float count = static_cast<float>(x.element_count() / std::max<int64_t>(y.element_count(), 1));
  for (int64_t i = 0; i < y.element_count(); ++i) out[i] /= count;
}

template <typename T>
void reduce_max(const KernelContext& ctx) {
  T* out = ctx.out().as<T>();
  std::fill(out, out + ctx.out().element_count(), std::numeric_limits<T>::lowest());
  reduce_into(ctx.in(0).as<T>(), out, loops_of(ctx), [](T a, T b) { return std::max(a, b); });
}

void eval_reduce_max(KernelContext& ctx) {
  switch (ctx.in(0).dtype) {
    case DType::Float32: reduce_max<float>(ctx); break;
    case DType::Int8:
      // TFLite's int8 REDUCE_MAX compares raw codes of like-quantized tensors.
      if (is_quantized(ctx)) with_node_in_errors(ctx, [&] { require_same_quantization(ctx); });
      reduce_max<int8_t>(ctx);
      break;
    case DType::UInt8: reduce_max<uint8_t>(ctx); break;
    case DType::Int32: reduce_max<int32_t>(ctx); break;
    case DType::Int64: reduce_max<int64_t>(ctx); break;
    default: unsupported_dtype(ctx, ctx.in(0).dtype);
  }
}

Attributes reduce_attrs(std::vector<int64_t> axes, bool keepdims) {
  Attributes attrs;
  attrs.set("axes", std::move(axes));
  attrs.set("keepdims", int64_t{keepdims ? 1 : 0});
  return attrs;
}

std::vector<int64_t> all_axes_from(int64_t first, size_t rank) {
  std::vector<int64_t> axes;
  for (int64_t a = first; a < static_cast<int64_t>(rank); ++a) axes.push_back(a);
  return axes;
}

// ONNX ReduceMean / ReduceMax: axes are an attribute before opset 18 and an
// optional constant input from 18; no axes means all of them, unless
// noop_with_empty_axes (opset 18) makes the op an identity.
template <OpKind kind>
void import_onnx_reduce(OnnxNodeImporter& node) {
  std::vector<int64_t> axes;
  if (node.opset() >= 18) {
    if (node.has_input(1)) axes = node.constant_ints(1);
  } else {
    axes = node.attr_ints("axes");
  }
  int x = node.input(0);
  if (axes.empty()) {
    if (node.attr_int("noop_with_empty_axes", 0) != 0) return node.alias_output(0, x);
    axes = all_axes_from(0, node.tensor(x).shape.size());
  }
  node.emit(kind, {x}, reduce_attrs(std::move(axes), node.attr_int("keepdims", 1) != 0));
}

template <OpKind kind>
void import_onnx_global_pool(OnnxNodeImporter& node) {
  int x = node.input(0);
  size_t rank = node.tensor(x).shape.size();
  if (rank < 3) node.bad_shape("input must be [N,C,spatial...], got " + shape_string(node.tensor(x).shape));
  node.emit(kind, {x}, reduce_attrs(all_axes_from(2, rank), true));
}

// TFLite MEAN / REDUCE_MAX: the axes are a constant int32 input.
template <OpKind kind>
void import_tflite_reduce(TfliteOpImporter& op) {
  if (!op.input_tensor(1).is_constant()) op.unsupported("the axes input must be constant");
  const auto* options = op.op().builtin_options_as_ReducerOptions();
  bool keep_dims = options && options->keep_dims();
  op.emit(kind, {op.input(0)}, reduce_attrs(op.constant_ints(1), keep_dims));
}

// Layout: the reduced axes follow the transpose. Without keepdims they drop
// out of both layouts, and the output's transpose is the input's restricted
// to the kept dimensions.
std::optional<Permuted> permute_reduce(const Graph&, Node& node, const std::vector<int64_t>& perm) {
  const int64_t rank = static_cast<int64_t>(perm.size());
  std::vector<bool> reduced(rank, false), reduced_in_x(rank, false);
  std::vector<int64_t> axes;
  for (int64_t a : node.attrs.get_ints("axes")) {
    if (a < 0) a += rank;
    if (a < 0 || a >= rank) return std::nullopt;
    reduced[a] = reduced_in_x[perm[a]] = true;
    axes.push_back(perm[a]);
  }
  node.attrs.set("axes", axes);
  if (node.attrs.get_int("keepdims", 1) != 0) return Permuted{{0}, perm};
  std::vector<int64_t> kept_position(rank, -1), out_perm;
  for (int64_t e = 0, next = 0; e < rank; ++e)
    if (!reduced_in_x[e]) kept_position[e] = next++;
  for (int64_t d = 0; d < rank; ++d)
    if (!reduced[d]) out_perm.push_back(kept_position[perm[d]]);
  return Permuted{{0}, out_perm};
}

constexpr DTypeVersion kReduceVersions[] = {{DType::Int8, 2}, {DType::Int16, 3}};  // op_version.cc, MEAN and REDUCE_MAX

// MEAN / REDUCE_MAX take the axes as an int32 input.
template <tflite::BuiltinOperator code>
void write_tflite_reduce(TfliteOpWriter& w, const Node& n) {
  const Tensor& x = w.input_tensor(0);
  if constexpr (code == tflite::BuiltinOperator_REDUCE_MAX) w.require_same_quantization();
  std::vector<int64_t> axes;
  for (int64_t axis : n.attrs.get_ints("axes"))
    axes.push_back(normalize_axis(n, axis, static_cast<int>(x.shape.size())));
  TfliteOperator op{code, version_for(kReduceVersions, x.dtype), {w.input(0), w.add_int32s("axes", axes)},
                    {w.output()}};
  op.options_type = tflite::BuiltinOptions_ReducerOptions;
  op.options = tflite::CreateReducerOptions(w.builder(), n.attrs.get_int("keepdims", 1) != 0).Union();
  w.add_operator(op);
}

}  // namespace

OpDef define_ReduceMean() {
  OpDef def{OpKind::ReduceMean, infer_reduce, eval_reduce_mean};
  def.onnx = {{"ReduceMean", import_onnx_reduce<OpKind::ReduceMean>},
              {"GlobalAveragePool", import_onnx_global_pool<OpKind::ReduceMean>}};
  def.tflite = {{tflite::BuiltinOperator_MEAN, import_tflite_reduce<OpKind::ReduceMean>}};
  def.permute = permute_reduce;
  def.write_tflite = write_tflite_reduce<tflite::BuiltinOperator_MEAN>;
  def.quant = QuantTraits::calibrated();
  return def;
}

OpDef define_ReduceMax() {
  OpDef def{OpKind::ReduceMax, infer_reduce, eval_reduce_max};
  def.onnx = {{"ReduceMax", import_onnx_reduce<OpKind::ReduceMax>},
              {"GlobalMaxPool", import_onnx_global_pool<OpKind::ReduceMax>}};
  def.tflite = {{tflite::BuiltinOperator_REDUCE_MAX, import_tflite_reduce<OpKind::ReduceMax>}};
  def.permute = permute_reduce;
  def.write_tflite = write_tflite_reduce<tflite::BuiltinOperator_REDUCE_MAX>;
  def.quant = QuantTraits::same_as_input();
  return def;
}

}  // namespace octet
