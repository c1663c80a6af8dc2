// Transpose: output dimension i is input dimension perm[i]. Any dtype.
//
// The kernel is hot: every ONNX convolution sits between NCHW<->NHWC
// transposes until a later pass cancels them. It first simplifies the
// permutation (drops size-1 dimensions, merges dimensions that stay adjacent),
// so NHWC->NCHW of [1,112,112,32] becomes a plain [12544,32] matrix transpose.
// Then either the innermost output dimension is contiguous in the input
// (rows are memcpy'd) or a cache-blocked 2-D transpose runs over the two
// dimensions that are contiguous in the input and in the output.
#include <algorithm>

#include "export/tflite_op_writer.h"
#include "import/onnx_importer.h"
#include "import/tflite_importer.h"
#include "ops/data_movement.h"
#include "ops/op_def.h"
#include "ops/op_util.h"

namespace octet {
namespace {

std::vector<int64_t> perm_of(const Node& n, size_t rank) {
  std::vector<int64_t> perm = n.attrs.get_ints("perm");
  if (!n.attrs.has("perm"))
    for (size_t i = rank; i-- > 0;) perm.push_back(static_cast<int64_t>(i));
  return perm;
}

void infer_transpose(Graph& g, const Node& n) {
  const Tensor& in = input_of(g, n, 0);
  const std::vector<int64_t> perm = perm_of(n, in.shape.size());
  std::vector<bool> used(in.shape.size(), false);
  Shape out;
  for (int64_t p : perm) {
    if (perm.size() != in.shape.size() || p < 0 || p >= static_cast<int64_t>(in.shape.size()) || used[p])
      shape_error(n, "perm is not a permutation of the " + std::to_string(in.shape.size()) + " input dimensions");
    used[p] = true;
    out.push_back(in.shape[p]);
  }
  set_output(g, n, 0, in.dtype, out);
}

// The output's dimensions, each with its stride in the input, after dropping
// size-1 dimensions and merging neighbours that are also neighbours in the input.
struct Walk {
  Shape dims;
  std::vector<int64_t> in_strides;
};

Walk simplify(const Shape& in_shape, const std::vector<int64_t>& perm) {
  const std::vector<int64_t> strides = strides_of(in_shape);
  Walk w;
  for (int64_t p : perm) {
    if (in_shape[p] == 1) continue;
    if (!w.dims.empty() && w.in_strides.back() == strides[p] * in_shape[p]) {
      w.dims.back() *= in_shape[p];
      w.in_strides.back() = strides[p];
    } else {
      w.dims.push_back(in_shape[p]);
      w.in_strides.push_back(strides[p]);
    }
  }
  return w;
}

// Row-major walk over `dims` except the dimensions in `skip`, calling
// f(in_offset, out_offset) for each position.
template <typename F>
void for_each_outer(const Walk& w, const std::vector<int64_t>& out_strides, size_t skip_a, size_t skip_b, F f) {
  Shape dims = w.dims;
  dims[skip_a] = dims[skip_b] = 1;
  std::vector<int64_t> index(dims.size(), 0);
  do {
    int64_t in_offset = 0, out_offset = 0;
    for (size_t d = 0; d < dims.size(); ++d) {
      in_offset += index[d] * w.in_strides[d];
      out_offset += index[d] * out_strides[d];
    }
    f(in_offset, out_offset);
  } while (next_index(index, dims));
}

template <typename T>
void transpose_blocked(const T* src, T* dst, const Walk& w) {
  const size_t last = w.dims.size() - 1;
  const std::vector<int64_t> out_strides = strides_of(w.dims);
  if (w.in_strides[last] == 1) {
    const int64_t row = w.dims[last];
    for_each_outer(w, out_strides, last, last,
                   [&](int64_t in, int64_t out) { std::memcpy(dst + out, src + in, row * sizeof(T)); });
    return;
  }
  // Output dimension `inner_in` is the input's contiguous one. Tiles of
  // kBlock x kBlock keep the strided side within a few cache lines; inside a
  // tile the reads run contiguously, which measured faster than contiguous writes.
  const size_t inner_in = std::find(w.in_strides.begin(), w.in_strides.end(), 1) - w.in_strides.begin();
  constexpr int64_t kBlock = 16;
  const int64_t rows = w.dims[inner_in], cols = w.dims[last];
  const int64_t row_stride = out_strides[inner_in], col_stride = w.in_strides[last];
  for_each_outer(w, out_strides, inner_in, last, [&](int64_t in, int64_t out) {
    for (int64_t c0 = 0; c0 < cols; c0 += kBlock) {
      const int64_t c1 = std::min(cols, c0 + kBlock);
      for (int64_t r0 = 0; r0 < rows; r0 += kBlock) {
        const int64_t r1 = std::min(rows, r0 + kBlock);
        for (int64_t c = c0; c < c1; ++c) {
          const T* column = src + in + c * col_stride;
          T* o = dst + out + c;
          for (int64_t r = r0; r < r1; ++r) o[r * row_stride] = column[r];
        }
      }
    }
  });
}

void eval_transpose(KernelContext& ctx) {
  const TensorView& in = ctx.in(0);
  const TensorView& out = ctx.out();
  const size_t bytes = element_bytes(out);
  if (out.element_count() == 0) return;
  const Walk w = simplify(in.shape, perm_of(ctx.node, in.shape.size()));
  if (w.dims.empty()) {  // a single element
    std::memcpy(out.data, in.data, bytes);
    return;
  }
  with_element_type(bytes, [&](auto t) {
    using T = decltype(t);
    transpose_blocked(in.as<T>(), out.as<T>(), w);
  });
}

void emit_transpose(NodeBuilder& node, int input, std::vector<int64_t> perm) {
  Attributes attrs;
  attrs.set("perm", std::move(perm));
  node.emit(OpKind::Transpose, {input}, attrs);
}

void import_onnx_transpose(OnnxNodeImporter& node) {
  const int64_t rank = static_cast<int64_t>(node.input_tensor(0).shape.size());
  std::vector<int64_t> reversed;
  for (int64_t i = rank - 1; i >= 0; --i) reversed.push_back(i);
  emit_transpose(node, node.input(0), node.attr_ints("perm", reversed));
}

void import_tflite_transpose(TfliteOpImporter& op) {
  emit_transpose(op, op.input(0), op.constant_ints(1));
}

// Versions from op_version.cc; 5 and 6 dimensions need versions 4 and 6.
constexpr DTypeVersion kTransposeVersions[] = {{DType::Int8, 2}, {DType::Bool, 3}, {DType::Int16, 5}};

void write_tflite_transpose(TfliteOpWriter& w, const Node& n) {
  const Tensor& x = w.input_tensor(0);
  const size_t rank = x.shape.size();
  w.require_same_quantization();
  if (rank > 6) w.unsupported("TRANSPOSE takes at most 6 dimensions, not " + std::to_string(rank));
  const int version = std::max(version_for(kTransposeVersions, x.dtype), rank > 5 ? 6 : rank > 4 ? 4 : 1);
  w.add_operator({tflite::BuiltinOperator_TRANSPOSE, version,
                  {w.input(0), w.add_int32s("perm", perm_of(n, rank))},
                  {w.output()}});
}

}  // namespace

OpDef define_Transpose() {
  OpDef def{OpKind::Transpose, infer_transpose, eval_transpose};
  def.onnx = {{"Transpose", import_onnx_transpose}};
  def.tflite = {{tflite::BuiltinOperator_TRANSPOSE, import_tflite_transpose}};
  def.write_tflite = write_tflite_transpose;
  def.quant = QuantTraits::same_as_input();
  return def;
}

}  // namespace octet
