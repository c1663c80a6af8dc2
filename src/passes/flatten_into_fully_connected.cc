// FullyConnected(Reshape(Transpose(x, P)), W) -> FullyConnected(Reshape(x), W').
// A classifier's head flattens NCHW features: the ONNX importer leaves an
// NHWC->NCHW Transpose before the flattening Reshape that no other transpose
// cancels. Flattening x directly gives the same values in another order,
// which W' undoes by reordering W's columns: no data moves at run time.
#include "passes/layout_patterns.h"

namespace octet {
namespace {

// The first dimension s of the Reshape's input y such that y[s:] flattens into
// the `depth` columns of W while P leaves y[:s] in place; -1 when there is none.
int flattened_from(const Shape& y, const std::vector<int64_t>& perm, int64_t depth) {
  for (size_t s = 0; s < y.size(); ++s) {
    if (s > 0 && perm[s - 1] != static_cast<int64_t>(s - 1)) return -1;
    if (element_count(Shape(y.begin() + s, y.end())) == depth) return static_cast<int>(s);
  }
  return -1;
}

// Column j of W reads element j of y's flattened trailing dims; that element
// is element j' of x's (x dimension perm[d] is y dimension d): W'[:, j'] = W[:, j].
std::vector<float> permute_columns(const std::vector<float>& w, int64_t depth, const Shape& y,
                                   const std::vector<int64_t>& perm, size_t s) {
  const size_t rank = y.size();
  Shape x(rank);
  for (size_t d = 0; d < rank; ++d) x[perm[d]] = y[d];
  std::vector<int64_t> x_stride(rank, 0);
  for (size_t e = rank, stride = 1; e-- > s;) {
    x_stride[e] = static_cast<int64_t>(stride);
    stride *= x[e];
  }
  std::vector<int64_t> column(depth);
  std::vector<int64_t> index(rank, 0);
  for (int64_t j = 0; j < depth; ++j) {
    int64_t target = 0;
    for (size_t d = s; d < rank; ++d) target += index[d] * x_stride[perm[d]];
    column[j] = target;
    for (size_t d = rank; d-- > s;) {
      if (++index[d] < y[d]) break;
      index[d] = 0;
    }
  }
  std::vector<float> out(w.size());
  for (size_t row = 0; row < w.size(); row += depth)
    for (int64_t j = 0; j < depth; ++j) out[row + column[j]] = w[row + j];
  return out;
}

}  // namespace

MatchResult flatten_into_fully_connected(Rewriter& rw, int n) {
  const int flat = rw.node(n).inputs[0];
  const int reshape = rw.producer(flat);
  if (reshape == kNoTensor || rw.node(reshape).op != OpKind::Reshape) return no_match("the input does not come from a Reshape");
  const int y = rw.node(reshape).inputs[0];
  const std::optional<std::vector<int64_t>> perm = transposed_by(rw, y);
  if (!perm) return no_match("the Reshape's input does not come from a Transpose");
  const Tensor w = rw.tensor(rw.node(n).inputs[1]);  // a copy: adding tensors below moves them
  if (!w.is_constant() || w.dtype != DType::Float32) return no_match("the weights are not a float32 constant");
  const int64_t depth = w.shape[1];
  const Shape y_shape = rw.tensor(y).shape;
  const int s = flattened_from(y_shape, *perm, depth);
  if (s < 0) return no_match("the Reshape does not flatten the dimensions the Transpose permutes into the FC's columns");

  const std::vector<float> columns = permute_columns(constant_floats(w), depth, y_shape, *perm, s);
  const int new_w = rw.add_constant(make_constant<float>(w.name + "/nhwc_columns", w.shape, columns));
  Attributes attrs;
  attrs.set("shape", rw.tensor(flat).shape);
  const std::string name = rw.node(reshape).name + "/nhwc";
  const int new_reshape = rw.add_node(OpKind::Reshape, name, {rw.node(rw.producer(y)).inputs[0]}, std::move(attrs));
  rw.set_input(n, 0, rw.node(new_reshape).outputs[0]);
  rw.set_input(n, 1, new_w);
  return matched();
}

}  // namespace octet
