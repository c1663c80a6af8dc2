// MatMul: numpy matmul of two float tensors. The last two dimensions are the
// matrices, leading ones broadcast; a 1-D left operand is a row vector and a
// 1-D right operand a column vector, their unit dimension dropped from the
// result.
//
// ONNX MatMul against a constant 2-D right operand imports as FullyConnected
// (weights B^T), the form TFLite runs and quantizes per channel.
#include "export/tflite_op_writer.h"
#include "import/onnx_importer.h"
#include "import/tflite_importer.h"
#include "ops/op_def.h"
#include "ops/op_util.h"
#include "runtime/gemm.h"
#include "runtime/kernel.h"

namespace octet {
namespace {

// Operand shapes with the 1-D cases widened to matrices.
Shape as_left_matrix(const Shape& s) { return s.size() == 1 ? Shape{1, s[0]} : s; }
Shape as_right_matrix(const Shape& s) { return s.size() == 1 ? Shape{s[0], 1} : s; }
Shape batch_dims(const Shape& s) { return Shape(s.begin(), s.end() - 2); }

void infer_matmul(Graph& g, const Node& n) {
  const Tensor& a = input_of(g, n, 0);
  const Tensor& b = input_of(g, n, 1);
  if (a.dtype != b.dtype)
    shape_error(n, std::string("operand types differ: ") + dtype_name(a.dtype) + " and " + dtype_name(b.dtype));
  if (a.shape.empty() || b.shape.empty()) shape_error(n, "operands must have rank 1 or more");
  const Shape sa = as_left_matrix(a.shape), sb = as_right_matrix(b.shape);
  if (sa.back() != sb[sb.size() - 2])
    shape_error(n, "inner dimensions of " + shape_string(a.shape) + " and " + shape_string(b.shape) + " differ");
  Shape out = broadcast_shapes(n, batch_dims(sa), batch_dims(sb));
  if (a.shape.size() > 1) out.push_back(sa[sa.size() - 2]);
  if (b.shape.size() > 1) out.push_back(sb.back());
  set_output(g, n, 0, a.dtype, out);
}

// Matrix index within an operand for each matrix of the broadcast batch.
std::vector<int64_t> matrix_indices(const Shape& operand_batch, const Shape& out_batch) {
  const size_t rank = out_batch.size(), offset = rank - operand_batch.size();
  std::vector<int64_t> stride(rank, 0);
  for (int64_t i = static_cast<int64_t>(operand_batch.size()) - 1, s = 1; i >= 0; --i) {
    stride[offset + i] = operand_batch[i] == 1 ? 0 : s;
    s *= operand_batch[i];
  }
  std::vector<int64_t> indices(element_count(out_batch), 0);
  for (int64_t flat = 0; flat < static_cast<int64_t>(indices.size()); ++flat) {
    int64_t rest = flat;
    for (int64_t d = static_cast<int64_t>(rank) - 1; d >= 0; --d) {
      indices[flat] += (rest % out_batch[d]) * stride[d];
      rest /= out_batch[d];
    }
  }
  return indices;
}

void eval_matmul(KernelContext& ctx) {
  const TensorView &a = ctx.in(0), &b = ctx.in(1), &y = ctx.out();
  if (y.dtype != DType::Float32) unsupported_dtype(ctx, y.dtype);
  const Shape sa = as_left_matrix(a.shape), sb = as_right_matrix(b.shape);
  const int64_t m = sa[sa.size() - 2], k = sa.back(), n = sb.back();
  const Shape batch_a = batch_dims(sa), batch_b = batch_dims(sb);
  if (element_count(batch_b) == 1) {
    // One right matrix: all left matrices stack into a single product, in the
    // output's order (broadcasting only adds leading unit dimensions).
    const int64_t rows = element_count(batch_a) * m;
    gemm_ab({a.as<float>(), rows, k, k}, {b.as<float>(), k, n, n}, {y.as<float>(), rows, n, n});
    return;
  }
  const Shape out_batch = broadcast_shapes(ctx.node, batch_a, batch_b);
  const std::vector<int64_t> ia = matrix_indices(batch_a, out_batch), ib = matrix_indices(batch_b, out_batch);
  for (size_t i = 0; i < ia.size(); ++i)
    gemm_ab({a.as<float>() + ia[i] * m * k, m, k, k}, {b.as<float>() + ib[i] * k * n, k, n, n},
            {y.as<float>() + i * m * n, m, n, n});
}

void import_onnx_matmul(OnnxNodeImporter& node) {
  const Tensor& b = node.input_tensor(1);
  if (b.is_constant() && b.shape.size() == 2 && node.input_tensor(0).shape.size() >= 2)
    return node.emit(OpKind::FullyConnected, {node.input(0), node.transpose(node.input(1), {1, 0})});
  node.emit(OpKind::MatMul, {node.input(0), node.input(1)});
}

// The last two dimensions swapped, for BATCH_MATMUL's adjoint flags.
int swap_last_two(TfliteOpImporter& op, int tensor_id) {
  const int64_t rank = static_cast<int64_t>(op.tensor(tensor_id).shape.size());
  std::vector<int64_t> perm;
  for (int64_t i = 0; i < rank; ++i) perm.push_back(i);
  std::swap(perm[rank - 1], perm[rank - 2]);
  return op.transpose(tensor_id, perm);
}

void import_tflite_batch_matmul(TfliteOpImporter& op) {
  const tflite::BatchMatMulOptions* o = op.op().builtin_options_as_BatchMatMulOptions();
  if (op.input_tensor(0).shape.size() < 2 || op.input_tensor(1).shape.size() < 2)
    op.bad_shape("operands must have rank 2 or more");
  int x = op.input(0), y = op.input(1);
  if (o && o->adj_x()) x = swap_last_two(op, x);
  if (o && o->adj_y()) y = swap_last_two(op, y);
  op.emit(OpKind::MatMul, {x, y});
}

// Versions from op_version.cc.
constexpr DTypeVersion kBatchMatMulVersions[] = {{DType::Int8, 2}, {DType::Int16, 3}};

// BATCH_MATMUL takes operands of rank 2 to 5 (batch dimensions broadcast).
void write_tflite_batch_matmul(TfliteOpWriter& w, const Node& n) {
  for (size_t i = 0; i < 2; ++i) {
    const size_t rank = w.input_tensor(i).shape.size();
    if (rank < 2 || rank > 5)
      w.unsupported("BATCH_MATMUL needs operands of rank 2 to 5, operand " + std::to_string(i) + " has rank " +
                    std::to_string(rank));
  }
  TfliteOperator op{tflite::BuiltinOperator_BATCH_MATMUL, version_for(kBatchMatMulVersions, w.input_tensor(0).dtype),
                    {w.input(0), w.input(1)},
                    {w.output()}};
  op.options_type = tflite::BuiltinOptions_BatchMatMulOptions;
  op.options = tflite::CreateBatchMatMulOptions(w.builder()).Union();
  w.add_operator(op);
}

}  // namespace

OpDef define_MatMul() {
  OpDef def{OpKind::MatMul, infer_matmul, eval_matmul};
  def.onnx = {{"MatMul", import_onnx_matmul}};
  def.tflite = {{tflite::BuiltinOperator_BATCH_MATMUL, import_tflite_batch_matmul}};
  def.write_tflite = write_tflite_batch_matmul;
  return def;
}

}  // namespace octet
