// Identity: output = input. ONNX Identity and Dropout (inference) import to it.
// ONNX ops whose result is known at import time also live here: Constant,
// Shape (shapes are static) and ConstantOfShape become constant tensors that
// the op's output names alias, and no IR node at all.
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <memory>

#include "export/tflite_op_writer.h"
#include "import/onnx_importer.h"
#include "ops/data_movement.h"
#include "ops/op_def.h"
#include "ops/op_util.h"
#include "ops/permute_util.h"

namespace octet {
namespace {

void infer_identity(Graph& g, const Node& n) {
  const Tensor& in = input_of(g, n, 0);
  set_output(g, n, 0, in.dtype, in.shape);
}

void eval_identity(KernelContext& ctx) {
  const TensorView& out = ctx.out();
  std::memcpy(out.data, ctx.in(0).data, out.element_count() * element_bytes(out));
}

void import_onnx_identity(OnnxNodeImporter& node) { node.emit(OpKind::Identity, {node.input(0)}); }

bool output_wanted(const OnnxNodeImporter& node, int i) {
  return node.proto().output_size() > i && !node.proto().output(i).empty();
}

// A constant named after the node's output `i`, so graph outputs keep their names.
Tensor output_constant(const OnnxNodeImporter& node, int i, DType dtype, Shape shape, Bytes bytes) {
  Tensor t;
  t.name = node.proto().output(i);
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.data = std::make_shared<const Bytes>(std::move(bytes));
  return t;
}

// Inference-mode Dropout passes its input through; the optional mask output
// is then all ones. Opset 12 made ratio and training_mode inputs: training
// with a non-zero ratio is random and not supported.
void import_onnx_dropout(OnnxNodeImporter& node) {
  if (node.opset() >= 12 && node.has_input(2)) {
    const bool training = node.constant_ints(2).at(0) != 0;
    const float ratio = node.has_input(1) ? node.constant_floats(1).at(0) : 0.5f;
    if (training && ratio != 0.0f) node.unsupported("training-mode dropout is random");
  }
  node.emit(OpKind::Identity, {node.input(0)}, {}, 1);
  if (!output_wanted(node, 1)) return;
  // The mask is bool from opset 10, the data type (float here) before.
  const Shape& shape = node.input_tensor(0).shape;
  if (node.opset() < 10) {
    const std::vector<float> ones(element_count(shape), 1.0f);
    return node.alias_output(1, node.constant(make_constant<float>(node.proto().output(1), shape, ones)));
  }
  Bytes all_true(element_count(shape), 1);
  node.alias_output(1, node.constant(output_constant(node, 1, DType::Bool, shape, std::move(all_true))));
}

// value (a tensor), value_float(s) or value_int(s); strings and sparse tensors
// have no IR dtype.
void import_onnx_constant(OnnxNodeImporter& node) {
  const std::string name = node.proto().output(0);
  int id;
  if (node.has_attr("value")) {
    id = node.constant(node.attr_tensor("value"));
  } else if (node.has_attr("value_float")) {
    id = node.constant(make_constant<float>(name, {}, {node.attr_float("value_float", 0)}));
  } else if (node.has_attr("value_floats")) {
    const std::vector<float> v = node.attr_floats("value_floats");
    id = node.constant(make_constant<float>(name, {static_cast<int64_t>(v.size())}, v));
  } else if (node.has_attr("value_int")) {
    id = node.constant(make_constant<int64_t>(name, {}, {node.attr_int("value_int", 0)}));
  } else if (node.has_attr("value_ints")) {
    const std::vector<int64_t> v = node.attr_ints("value_ints");
    id = node.constant(make_constant<int64_t>(name, {static_cast<int64_t>(v.size())}, v));
  } else {
    node.unsupported("only tensor, float(s) and int(s) constants are supported (not strings or sparse tensors)");
  }
  node.alias_output(0, id);
}

// Opset 15 start/end select a range of dimensions, clamped like a slice.
void import_onnx_shape(OnnxNodeImporter& node) {
  const Shape& shape = node.input_tensor(0).shape;
  const int64_t rank = static_cast<int64_t>(shape.size());
  auto clamp = [rank](int64_t i) { return std::min(std::max<int64_t>(i < 0 ? i + rank : i, 0), rank); };
  const int64_t start = clamp(node.attr_int("start", 0)), end = clamp(node.attr_int("end", rank));
  std::vector<int64_t> dims(shape.begin() + start, shape.begin() + std::max(start, end));
  const int64_t count = static_cast<int64_t>(dims.size());
  node.alias_output(0, node.constant(make_constant<int64_t>(node.proto().output(0), {count}, dims)));
}

// The fill value is a one-element tensor attribute (float 0 by default).
void import_onnx_constant_of_shape(OnnxNodeImporter& node) {
  const Shape shape = node.constant_ints(0);
  for (int64_t d : shape)
    if (d < 0) node.bad_shape("negative dimension in " + shape_string(shape));
  const Tensor value = node.has_attr("value") ? node.attr_tensor("value") : make_constant<float>("", {1}, {0.0f});
  if (value.element_count() != 1) node.bad_shape("value must hold one element");
  const size_t size = dtype_size(value.dtype);
  Bytes bytes(element_count(shape) * size);
  for (size_t at = 0; at < bytes.size(); at += size) std::memcpy(bytes.data() + at, value.data->data(), size);
  node.alias_output(0, node.constant(output_constant(node, 0, value.dtype, shape, std::move(bytes))));
}

void write_tflite_identity(TfliteOpWriter& w, const Node&) {
  w.unsupported("TFLite has no identity operator; the remove_identity pass drops it");
}

}  // namespace

OpDef define_Identity() {
  OpDef def{OpKind::Identity, infer_identity, eval_identity};
  def.onnx = {{"Identity", import_onnx_identity},
              {"Dropout", import_onnx_dropout},
              {"Constant", import_onnx_constant},
              {"Shape", import_onnx_shape},
              {"ConstantOfShape", import_onnx_constant_of_shape}};
  def.permute = permute_elementwise;
  def.write_tflite = write_tflite_identity;
  def.quant = QuantTraits::same_as_input();
  return def;
}

}  // namespace octet
