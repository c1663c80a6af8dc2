// Reshape: same elements, new static shape in "shape" (importers resolve -1
// and 0). ONNX Flatten/Squeeze/Unsqueeze and TFLite SQUEEZE/EXPAND_DIMS are all
// reshapes once shapes are static. Any dtype.
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

void infer_reshape(Graph& g, const Node& n) {
  const Tensor& in = input_of(g, n, 0);
  Shape out = n.attrs.get_ints("shape");
  for (int64_t d : out)
    if (d < 0) shape_error(n, "target shape " + shape_string(out) + " has an unresolved dimension");
  if (element_count(out) != in.element_count())
    shape_error(n, "cannot reshape " + shape_string(in.shape) + " into " + shape_string(out));
  set_output(g, n, 0, in.dtype, out);
}

void eval_reshape(KernelContext& ctx) {
  const TensorView& out = ctx.out();
  std::memcpy(out.data, ctx.in(0).data, out.element_count() * element_bytes(out));
}

void emit_reshape(NodeBuilder& node, int input, Shape shape) {
  Attributes attrs;
  attrs.set("shape", std::move(shape));
  node.emit(OpKind::Reshape, {input}, attrs);
}

// A target shape with ONNX/TFLite conventions: 0 copies the input dimension
// (unless `zero_is_literal`), one -1 takes what is left.
Shape resolve_target(const NodeBuilder& node, const Shape& in, std::vector<int64_t> target, bool zero_is_literal) {
  int open = -1;
  int64_t known = 1;
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == 0 && !zero_is_literal) {
      if (i >= in.size()) node.bad_shape("shape copies dimension " + std::to_string(i) + " the input lacks");
      target[i] = in[i];
    }
    if (target[i] == -1 && open < 0) open = static_cast<int>(i);
    else if (target[i] < 0) node.bad_shape("bad target dimension " + std::to_string(target[i]));
    else known *= target[i];
  }
  if (open >= 0) {
    if (known == 0 || element_count(in) % known != 0)
      node.bad_shape("cannot infer -1 reshaping " + shape_string(in) + " into " + shape_string(target));
    target[open] = element_count(in) / known;
  }
  return target;
}

// Axes of `rank` normalized to [0, rank) and sorted; bad_shape on a repeat.
std::vector<int64_t> sorted_axes(const NodeBuilder& node, std::vector<int64_t> axes, int64_t rank) {
  for (int64_t& a : axes) {
    if (a < -rank || a >= rank) node.bad_shape("axis " + std::to_string(a) + " out of range");
    if (a < 0) a += rank;
  }
  std::sort(axes.begin(), axes.end());
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end()) node.bad_shape("repeated axis");
  return axes;
}

// Drops the given axes (all size-1 dimensions when none are given).
Shape squeezed(const NodeBuilder& node, const Shape& in, const std::vector<int64_t>& axes) {
  std::vector<int64_t> drop = sorted_axes(node, axes, static_cast<int64_t>(in.size()));
  Shape out;
  for (size_t d = 0; d < in.size(); ++d) {
    const bool listed = std::binary_search(drop.begin(), drop.end(), static_cast<int64_t>(d));
    if (listed && in[d] != 1) node.bad_shape("cannot squeeze dimension " + std::to_string(d) + " of " + shape_string(in));
    if (!(listed || (drop.empty() && in[d] == 1))) out.push_back(in[d]);
  }
  return out;
}

// Inserts size-1 dimensions at `axes`, numbered in the output.
Shape unsqueezed(const NodeBuilder& node, const Shape& in, const std::vector<int64_t>& axes) {
  const int64_t rank = static_cast<int64_t>(in.size() + axes.size());
  std::vector<int64_t> add = sorted_axes(node, axes, rank);
  Shape out;
  for (int64_t d = 0, next_in = 0; d < rank; ++d)
    out.push_back(std::binary_search(add.begin(), add.end(), d) ? 1 : in[next_in++]);
  return out;
}

void import_onnx_reshape(OnnxNodeImporter& node) {
  const Shape& in = node.input_tensor(0).shape;
  const bool allowzero = node.attr_int("allowzero", 0) != 0;
  emit_reshape(node, node.input(0), resolve_target(node, in, node.constant_ints(1), allowzero));
}

void import_onnx_flatten(OnnxNodeImporter& node) {
  const Shape& in = node.input_tensor(0).shape;
  const int64_t rank = static_cast<int64_t>(in.size());
  int64_t axis = node.attr_int("axis", 1);
  if (axis < -rank || axis > rank) node.bad_shape("axis " + std::to_string(axis) + " out of range");
  if (axis < 0) axis += rank;
  emit_reshape(node, node.input(0), {dims_product(in, 0, axis), dims_product(in, axis, in.size())});
}

// Axes are an attribute before opset 13 and an optional input from 13 on.
std::vector<int64_t> onnx_axes(const OnnxNodeImporter& node) {
  if (node.opset() < 13) return node.attr_ints("axes");
  return node.has_input(1) ? node.constant_ints(1) : std::vector<int64_t>{};
}

void import_onnx_squeeze(OnnxNodeImporter& node) {
  emit_reshape(node, node.input(0), squeezed(node, node.input_tensor(0).shape, onnx_axes(node)));
}

void import_onnx_unsqueeze(OnnxNodeImporter& node) {
  std::vector<int64_t> axes = onnx_axes(node);
  if (axes.empty()) node.bad_shape("Unsqueeze needs axes");
  emit_reshape(node, node.input(0), unsqueezed(node, node.input_tensor(0).shape, axes));
}

// RESHAPE: the target comes from the second input or from the options.
void import_tflite_reshape(TfliteOpImporter& op) {
  const Shape& in = op.input_tensor(0).shape;
  std::vector<int64_t> target;
  const auto* options = op.op().builtin_options_as_ReshapeOptions();
  if (op.has_input(1) && op.input_tensor(1).is_constant()) target = op.constant_ints(1);
  else if (options && options->new_shape()) target.assign(options->new_shape()->begin(), options->new_shape()->end());
  else op.unsupported("the target shape is neither a constant input nor in the options");
  emit_reshape(op, op.input(0), resolve_target(op, in, target, true));
}

void import_tflite_squeeze(TfliteOpImporter& op) {
  const auto* options = op.op().builtin_options_as_SqueezeOptions();
  std::vector<int64_t> axes;
  if (options && options->squeeze_dims()) axes.assign(options->squeeze_dims()->begin(), options->squeeze_dims()->end());
  emit_reshape(op, op.input(0), squeezed(op, op.input_tensor(0).shape, axes));
}

// EXPAND_DIMS: inputs (data, axis); a negative axis counts from the output's end.
void import_tflite_expand_dims(TfliteOpImporter& op) {
  const std::vector<int64_t> axis = op.constant_ints(1);
  if (axis.size() != 1) op.bad_shape("axis must be a single value");
  emit_reshape(op, op.input(0), unsqueezed(op, op.input_tensor(0).shape, axis));
}

// Layout: a reshape that only adds or drops size-1 dimensions commutes with a
// transpose. The output keeps its size-1 dimensions where they are and takes
// the larger ones in the untransposed input's order; the output's transpose
// puts them back in the old order.
std::optional<Permuted> permute_reshape(const Graph& graph, Node& node, const std::vector<int64_t>& perm) {
  const Shape& in = graph.tensor(node.inputs.at(0)).shape;
  Shape out = node.attrs.get_ints("shape");
  std::vector<int64_t> in_dims, out_slots;  // the larger dims: their x dimensions, and their output positions
  Shape in_sizes, out_sizes;
  for (size_t d = 0; d < in.size(); ++d) {
    if (in[d] == 1) continue;
    in_dims.push_back(perm[d]);
    in_sizes.push_back(in[d]);
  }
  for (size_t d = 0; d < out.size(); ++d) {
    if (out[d] == 1) continue;
    out_slots.push_back(static_cast<int64_t>(d));
    out_sizes.push_back(out[d]);
  }
  if (in_sizes != out_sizes) return std::nullopt;
  std::vector<int64_t> x_order = in_dims;
  std::sort(x_order.begin(), x_order.end());
  std::vector<int64_t> out_perm(out.size());
  for (size_t d = 0; d < out.size(); ++d) out_perm[d] = static_cast<int64_t>(d);
  for (size_t k = 0; k < in_dims.size(); ++k) {
    const size_t rank_in_x = std::find(x_order.begin(), x_order.end(), in_dims[k]) - x_order.begin();
    out[out_slots[rank_in_x]] = in_sizes[k];
    out_perm[out_slots[k]] = out_slots[rank_in_x];
  }
  node.attrs.set("shape", out);
  return Permuted{{0}, out_perm};
}

void write_tflite_reshape(TfliteOpWriter& w, const Node& n) {
  w.require_same_quantization();
  add_reshape(w, w.input(0), w.output(), n.attrs.get_ints("shape"));
}

}  // namespace

OpDef define_Reshape() {
  OpDef def{OpKind::Reshape, infer_reshape, eval_reshape};
  def.onnx = {{"Reshape", import_onnx_reshape},
              {"Flatten", import_onnx_flatten},
              {"Squeeze", import_onnx_squeeze},
              {"Unsqueeze", import_onnx_unsqueeze}};
  def.tflite = {{tflite::BuiltinOperator_RESHAPE, import_tflite_reshape},
                {tflite::BuiltinOperator_SQUEEZE, import_tflite_squeeze},
                {tflite::BuiltinOperator_EXPAND_DIMS, import_tflite_expand_dims}};
  def.permute = permute_reshape;
  def.write_tflite = write_tflite_reshape;
  def.quant = QuantTraits::same_as_input();
  return def;
}

}  // namespace octet
