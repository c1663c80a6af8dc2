// BatchNorm, inference form: inputs X, scale, bias, mean, var (one value per
// index along "axis"), attribute "epsilon":
//   y = (x - mean) / sqrt(var + epsilon) * scale + bias
// It keeps the source layout (ONNX: axis 1 of NCHW). TFLite has no such op;
// converters fold it into the preceding convolution.
#include <Eigen/Core>
#include <onnx/onnx_pb.h>

#include <cmath>

#include "export/tflite_op_writer.h"
#include "import/onnx_importer.h"
#include "ops/op_def.h"
#include "ops/op_util.h"
#include "ops/permute_util.h"
#include "runtime/kernel.h"

namespace octet {
namespace {

void infer_batch_norm(Graph& g, const Node& n) {
  const Tensor& x = input_of(g, n, 0);
  const int axis = normalize_axis(n, n.attrs.get_int("axis", 1), static_cast<int>(x.shape.size()));
  const int64_t channels = x.shape.empty() ? 1 : x.shape[axis];
  static const char* const names[] = {"scale", "bias", "mean", "var"};
  for (size_t i = 1; i <= 4; ++i)
    if (input_of(g, n, i).element_count() != channels)
      shape_error(n, std::string(names[i - 1]) + " " + shape_string(input_of(g, n, i).shape) + " does not have " +
                         std::to_string(channels) + " values for input " + shape_string(x.shape));
  set_output(g, n, 0, x.dtype, x.shape);
}

void eval_batch_norm(KernelContext& ctx) {
  const TensorView &x = ctx.in(0), &y = ctx.out();
  if (y.dtype != DType::Float32) unsupported_dtype(ctx, y.dtype);
  const int axis = normalize_axis(ctx.node, ctx.node.attrs.get_int("axis", 1), x.rank());
  const float epsilon = ctx.node.attrs.get_float("epsilon", 1e-5f);
  const int64_t channels = x.rank() ? x.shape[axis] : 1;
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= x.shape[d];
  for (int d = axis + 1; d < x.rank(); ++d) inner *= x.shape[d];
  // Folded once per channel into y = x * multiplier + offset.
  const float *scale = ctx.in(1).as<float>(), *bias = ctx.in(2).as<float>();
  const float *mean = ctx.in(3).as<float>(), *var = ctx.in(4).as<float>();
  std::vector<float> multiplier(channels), offset(channels);
  for (int64_t c = 0; c < channels; ++c) {
    multiplier[c] = scale[c] / std::sqrt(var[c] + epsilon);
    offset[c] = bias[c] - mean[c] * multiplier[c];
  }
  const float* in = x.as<float>();
  float* out = y.as<float>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < channels; ++c, in += inner, out += inner)
      Eigen::Map<Eigen::ArrayXf>(out, inner) = Eigen::Map<const Eigen::ArrayXf>(in, inner) * multiplier[c] + offset[c];
}

// Opsets 7 to 15 in inference mode. Rejected: training_mode=1 (opset 14+),
// spatial=0 (opsets 7-8: statistics per activation, not per channel), and any
// requested output beyond Y (running or saved statistics, training only).
void import_onnx_batch_norm(OnnxNodeImporter& node) {
  if (node.attr_int("training_mode", 0) != 0) node.unsupported("training_mode=1");
  if (node.attr_int("spatial", 1) == 0) node.unsupported("spatial=0 (per-activation statistics)");
  for (int i = 1; i < node.proto().output_size(); ++i)
    if (!node.proto().output(i).empty()) node.unsupported("training outputs (mean, var and saved statistics)");
  if (node.input_tensor(0).shape.size() < 2)
    node.bad_shape("input " + shape_string(node.input_tensor(0).shape) + " has no channel axis");
  Attributes attrs;
  attrs.set("epsilon", node.attr_float("epsilon", 1e-5f));
  attrs.set("axis", int64_t{1});
  node.emit(OpKind::BatchNorm, {node.input(0), node.input(1), node.input(2), node.input(3), node.input(4)},
            std::move(attrs), 1);
}

// Layout: the normalized axis follows the transpose.
std::optional<Permuted> permute_batch_norm(const Graph&, Node& node, const std::vector<int64_t>& perm) {
  if (!permute_axis(node, perm, 1)) return std::nullopt;
  return Permuted{{0}, perm};
}

void write_tflite_batch_norm(TfliteOpWriter& w, const Node&) {
  w.unsupported("TFLite has no batch normalization; the fold_batch_norm pass folds it into the convolution "
                "before it, or into Mul and Add");
}

}  // namespace

OpDef define_BatchNorm() {
  OpDef def{OpKind::BatchNorm, infer_batch_norm, eval_batch_norm};
  def.onnx = {{"BatchNormalization", import_onnx_batch_norm}};
  def.permute = permute_batch_norm;
  def.write_tflite = write_tflite_batch_norm;
  return def;
}

}  // namespace octet
