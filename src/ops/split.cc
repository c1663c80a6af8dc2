// Split: cuts a tensor along "axis" into pieces of the sizes in "split", one
// per output. Any dtype.
#include <algorithm>

#include "export/tflite_op_writer.h"
#include "import/onnx_importer.h"
#include "import/tflite_importer.h"
#include "ops/data_movement.h"
#include "ops/op_def.h"
#include "ops/op_util.h"
#include "ops/permute_util.h"

namespace octet {
namespace {

void infer_split(Graph& g, const Node& n) {
  const Tensor& in = input_of(g, n, 0);
  const int axis = normalize_axis(n, n.attrs.get_int("axis", 0), static_cast<int>(in.shape.size()));
  std::vector<int64_t> sizes = n.attrs.get_ints("split");
  if (sizes.size() != n.outputs.size())
    shape_error(n, std::to_string(sizes.size()) + " split sizes for " + std::to_string(n.outputs.size()) + " outputs");
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0) shape_error(n, "negative split size");
    total += s;
  }
  if (total != in.shape[axis])
    shape_error(n, "split sizes add up to " + std::to_string(total) + ", axis " + std::to_string(axis) +
                       " has " + std::to_string(in.shape[axis]));
  for (size_t i = 0; i < sizes.size(); ++i) {
    Shape out = in.shape;
    out[axis] = sizes[i];
    set_output(g, n, i, in.dtype, out);
  }
}

// Each input row (everything before the axis) is the outputs' rows side by side.
void eval_split(KernelContext& ctx) {
  const TensorView& in = ctx.in(0);
  const size_t axis = normalize_axis(ctx.node, ctx.node.attrs.get_int("axis", 0), in.rank());
  const int64_t outer = dims_product(in.shape, 0, axis);
  const size_t bytes = element_bytes(in);
  const uint8_t* src = in.as<uint8_t>();
  for (int64_t o = 0; o < outer; ++o) {
    for (const TensorView& out : ctx.outputs) {
      const size_t row = dims_product(out.shape, axis, out.shape.size()) * bytes;
      std::memcpy(out.as<uint8_t>() + o * row, src, row);
      src += row;
    }
  }
}

// `parts` pieces as equal as ONNX and TFLite make them: ceil-sized, the last smaller.
std::vector<int64_t> equal_parts(NodeBuilder& node, int64_t dim, int64_t parts, bool must_divide) {
  if (parts <= 0) node.bad_shape("cannot split into " + std::to_string(parts) + " parts");
  if (must_divide && dim % parts != 0)
    node.bad_shape("dimension " + std::to_string(dim) + " does not split into " + std::to_string(parts) + " equal parts");
  const int64_t chunk = (dim + parts - 1) / parts;
  std::vector<int64_t> sizes;
  for (int64_t left = dim, i = 0; i < parts; ++i, left -= chunk) sizes.push_back(std::max<int64_t>(0, std::min(chunk, left)));
  return sizes;
}

// The size along a possibly negative axis; bad_shape when it is out of range.
int64_t dim_along(const NodeBuilder& node, const Shape& shape, int64_t axis) {
  const int64_t rank = static_cast<int64_t>(shape.size());
  if (axis < -rank || axis >= rank) node.bad_shape("axis " + std::to_string(axis) + " out of range");
  return shape[axis < 0 ? axis + rank : axis];
}

Attributes split_attrs(int64_t axis, std::vector<int64_t> sizes) {
  Attributes attrs;
  attrs.set("axis", axis);
  attrs.set("split", std::move(sizes));
  return attrs;
}

// Sizes come from the `split` attribute (opset < 13) or input 1 (13+); else
// equal parts, one per output, or `num_outputs` parts (opset 18, last smaller).
void import_onnx_split(OnnxNodeImporter& node) {
  const int64_t axis = node.attr_int("axis", 0);
  const int64_t dim = dim_along(node, node.input_tensor(0).shape, axis);
  std::vector<int64_t> sizes;
  if (node.opset() < 13 && node.has_attr("split")) sizes = node.attr_ints("split");
  else if (node.opset() >= 13 && node.has_input(1)) sizes = node.constant_ints(1);
  else if (node.has_attr("num_outputs")) sizes = equal_parts(node, dim, node.attr_int("num_outputs", 0), false);
  else sizes = equal_parts(node, dim, static_cast<int64_t>(node.output_count()), true);
  if (sizes.size() != node.output_count())
    node.bad_shape(std::to_string(sizes.size()) + " split sizes for " + std::to_string(node.output_count()) + " outputs");
  node.emit(OpKind::Split, {node.input(0)}, split_attrs(axis, sizes));
}

// SPLIT: inputs (axis, data), `num_splits` equal parts.
void import_tflite_split(TfliteOpImporter& op) {
  const int64_t axis = op.constant_ints(0).at(0);
  const int64_t dim = dim_along(op, op.input_tensor(1).shape, axis);
  const auto* options = op.op().builtin_options_as_SplitOptions();
  const int64_t parts = options ? options->num_splits() : static_cast<int64_t>(op.output_count());
  op.emit(OpKind::Split, {op.input(1)}, split_attrs(axis, equal_parts(op, dim, parts, true)));
}

// SPLIT_V: inputs (data, size_splits, axis); one size may be -1 (the rest).
void import_tflite_split_v(TfliteOpImporter& op) {
  const int64_t axis = op.constant_ints(2).at(0);
  const int64_t dim = dim_along(op, op.input_tensor(0).shape, axis);
  std::vector<int64_t> sizes = op.constant_ints(1);
  int64_t known = 0;
  int open = -1;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1 && open < 0) open = static_cast<int>(i);
    else known += sizes[i];
  }
  if (open >= 0) sizes[open] = dim - known;
  op.emit(OpKind::Split, {op.input(0)}, split_attrs(axis, sizes));
}

// Layout: the cut axis follows the transpose.
std::optional<Permuted> permute_split(const Graph&, Node& node, const std::vector<int64_t>& perm) {
  if (!permute_axis(node, perm, 0)) return std::nullopt;
  return Permuted{{0}, perm};
}

// ---- TFLite writer: versions from op_version.cc, by the data's type ------------

constexpr DTypeVersion kSplitVersions[] = {{DType::Int8, 2}, {DType::Int32, 3}, {DType::Int16, 4}};
constexpr DTypeVersion kSplitVVersions[] = {{DType::Int8, 2}};

// Equal pieces are SPLIT (inputs axis, data); any others SPLIT_V (data,
// sizes, axis). The axis is a scalar int32.
void write_tflite_split(TfliteOpWriter& w, const Node& n) {
  const Tensor& data = w.input_tensor(0);
  const int64_t axis = normalize_axis(n, n.attrs.get_int("axis", 0), static_cast<int>(data.shape.size()));
  const std::vector<int64_t> sizes = n.attrs.get_ints("split");
  const int pieces = static_cast<int>(sizes.size());
  for (int i = 0; i < pieces; ++i) w.require_same_quantization(0, i);
  const int axis_tensor = w.add_int32s("axis", {axis}, {});
  TfliteOperator op;
  if (std::all_of(sizes.begin(), sizes.end(), [&](int64_t s) { return s == sizes[0]; })) {
    op = {tflite::BuiltinOperator_SPLIT, version_for(kSplitVersions, data.dtype), {axis_tensor, w.input(0)}};
    op.options_type = tflite::BuiltinOptions_SplitOptions;
    op.options = tflite::CreateSplitOptions(w.builder(), pieces).Union();
  } else {
    op = {tflite::BuiltinOperator_SPLIT_V, version_for(kSplitVVersions, data.dtype),
          {w.input(0), w.add_int32s("size_splits", sizes), axis_tensor}};
    op.options_type = tflite::BuiltinOptions_SplitVOptions;
    op.options = tflite::CreateSplitVOptions(w.builder(), pieces).Union();
  }
  for (int i = 0; i < pieces; ++i) op.outputs.push_back(w.output(i));
  w.add_operator(op);
}

}  // namespace

OpDef define_Split() {
  OpDef def{OpKind::Split, infer_split, eval_split};
  def.onnx = {{"Split", import_onnx_split}};
  def.tflite = {{tflite::BuiltinOperator_SPLIT, import_tflite_split},
                {tflite::BuiltinOperator_SPLIT_V, import_tflite_split_v}};
  def.permute = permute_split;
  def.write_tflite = write_tflite_split;
  def.quant = QuantTraits::same_as_input();
  return def;
}

}  // namespace octet
