// Gather: picks slices of input 0 along "axis" at the indices in input 1
// (int32 or int64, negative counting from the end). Output shape is
// data[:axis] + indices + data[axis+1:]. Any data dtype. ONNX Expand maps
// here too: broadcasting a size-1 axis is gathering index 0 repeatedly.
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

void infer_gather(Graph& g, const Node& n) {
  const Tensor& data = input_of(g, n, 0);
  const Tensor& indices = input_of(g, n, 1);
  if (indices.dtype != DType::Int32 && indices.dtype != DType::Int64)
    shape_error(n, std::string("indices must be int32 or int64, not ") + dtype_name(indices.dtype));
  if (data.shape.empty()) shape_error(n, "cannot gather from a scalar");
  const size_t axis = normalize_axis(n, n.attrs.get_int("axis", 0), static_cast<int>(data.shape.size()));
  Shape out(data.shape.begin(), data.shape.begin() + axis);
  out.insert(out.end(), indices.shape.begin(), indices.shape.end());
  out.insert(out.end(), data.shape.begin() + axis + 1, data.shape.end());
  set_output(g, n, 0, data.dtype, out);
}

std::vector<int64_t> index_values(const TensorView& v) {
  const int64_t n = v.element_count();
  if (v.dtype == DType::Int32) return std::vector<int64_t>(v.as<int32_t>(), v.as<int32_t>() + n);
  return std::vector<int64_t>(v.as<int64_t>(), v.as<int64_t>() + n);
}

void eval_gather(KernelContext& ctx) {
  const TensorView& data = ctx.in(0);
  const TensorView& out = ctx.out();
  const size_t axis = normalize_axis(ctx.node, ctx.node.attrs.get_int("axis", 0), data.rank());
  const int64_t outer = dims_product(data.shape, 0, axis), extent = data.shape[axis];
  const size_t slice = dims_product(data.shape, axis + 1, data.shape.size()) * element_bytes(data);
  std::vector<int64_t> indices = index_values(ctx.in(1));
  for (int64_t& i : indices) {
    if (i < -extent || i >= extent)
      fail(ErrorKind::BadInput, "node '" + ctx.node.name + "' (Gather): index " + std::to_string(i) +
                                    " is out of range for size " + std::to_string(extent));
    if (i < 0) i += extent;
  }
  const uint8_t* src = data.as<uint8_t>();
  uint8_t* dst = out.as<uint8_t>();
  for (int64_t o = 0; o < outer; ++o) {
    const uint8_t* block = src + o * extent * slice;
    for (int64_t i : indices) {
      std::memcpy(dst, block + i * slice, slice);
      dst += slice;
    }
  }
}

void import_onnx_gather(OnnxNodeImporter& node) {
  Attributes attrs;
  attrs.set("axis", node.attr_int("axis", 0));
  node.emit(OpKind::Gather, {node.input(0), node.input(1)}, attrs);
}

// Expand broadcasts input 0 to the shape in input 1 (numpy rules, either side
// may be 1). With static shapes that is a Reshape adding leading 1s, then a
// Gather of index 0, repeated, along each axis that grows.
void import_onnx_expand(OnnxNodeImporter& node) {
  const Shape& in = node.input_tensor(0).shape;
  const Shape requested = node.constant_ints(1);
  const size_t rank = std::max(in.size(), requested.size());
  Shape padded(rank - in.size(), 1), out(rank);
  padded.insert(padded.end(), in.begin(), in.end());
  for (size_t d = 0; d < rank; ++d) {
    const int64_t r = d < rank - requested.size() ? 1 : requested[d - (rank - requested.size())];
    if (padded[d] != r && padded[d] != 1 && r != 1)
      node.bad_shape("cannot expand " + shape_string(in) + " to " + shape_string(requested));
    out[d] = padded[d] == 1 ? r : padded[d];
  }
  int x = node.input(0);
  if (padded.size() != in.size()) {
    Attributes reshape;
    reshape.set("shape", padded);
    x = node.add(OpKind::Reshape, {x}, reshape);
  }
  std::vector<size_t> grown;
  for (size_t d = 0; d < rank; ++d)
    if (padded[d] != out[d]) grown.push_back(d);
  if (grown.empty()) return node.emit(OpKind::Identity, {x});
  for (size_t i = 0; i < grown.size(); ++i) {
    const size_t d = grown[i];
    Attributes attrs;
    attrs.set("axis", static_cast<int64_t>(d));
    const int zeros = node.constant<int64_t>("zeros" + std::to_string(d), {out[d]}, std::vector<int64_t>(out[d], 0));
    if (i + 1 < grown.size()) x = node.add(OpKind::Gather, {x, zeros}, attrs);
    else node.emit(OpKind::Gather, {x, zeros}, attrs);
  }
}

void import_tflite_gather(TfliteOpImporter& op) {
  const auto* options = op.op().builtin_options_as_GatherOptions();
  if (options && options->batch_dims() != 0) op.unsupported("batch_dims other than 0 is not supported");
  Attributes attrs;
  attrs.set("axis", static_cast<int64_t>(options ? options->axis() : 0));
  op.emit(OpKind::Gather, {op.input(0), op.input(1)}, attrs);
}

// Layout: the gathered axis follows the transpose when one index list keeps
// the rank (other index shapes would insert or drop dimensions).
std::optional<Permuted> permute_gather(const Graph& graph, Node& node, const std::vector<int64_t>& perm) {
  if (graph.tensor(node.inputs.at(1)).shape.size() != 1 || !permute_axis(node, perm, 0)) return std::nullopt;
  return Permuted{{0}, perm};
}

constexpr DTypeVersion kGatherVersions[] = {{DType::Int8, 2}, {DType::Bool, 3}, {DType::Int16, 4}};  // op_version.cc

// TFLite rejects negative indices, so constant ones are written counted from
// the front.
void write_tflite_gather(TfliteOpWriter& w, const Node& n) {
  const Tensor &data = w.input_tensor(0), &indices = w.input_tensor(1);
  const int axis = normalize_axis(n, n.attrs.get_int("axis", 0), static_cast<int>(data.shape.size()));
  w.require_same_quantization();
  int index_tensor = w.input(1);
  if (indices.is_constant()) {
    std::vector<int64_t> values = constant_ints(indices);
    if (std::any_of(values.begin(), values.end(), [](int64_t i) { return i < 0; })) {
      for (int64_t& i : values) i += i < 0 ? data.shape[axis] : 0;
      index_tensor = w.add_int32s("indices", values, indices.shape);
    }
  }
  TfliteOperator op{tflite::BuiltinOperator_GATHER, version_for(kGatherVersions, data.dtype),
                    {w.input(0), index_tensor},
                    {w.output()}};
  op.options_type = tflite::BuiltinOptions_GatherOptions;
  op.options = tflite::CreateGatherOptions(w.builder(), axis).Union();
  w.add_operator(op);
}

}  // namespace

OpDef define_Gather() {
  OpDef def{OpKind::Gather, infer_gather, eval_gather};
  def.onnx = {{"Gather", import_onnx_gather}, {"Expand", import_onnx_expand}};
  def.tflite = {{tflite::BuiltinOperator_GATHER, import_tflite_gather}};
  def.permute = permute_gather;
  def.write_tflite = write_tflite_gather;
  def.quant = QuantTraits::same_as_input();
  return def;
}

}  // namespace octet
