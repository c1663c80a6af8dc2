#include "ops/op_util.h"

#include <algorithm>
#include <cmath>

namespace octet {

void shape_error(const Node& node, const std::string& why) {
  fail(ErrorKind::BadShape, "node '" + node.name + "' (" + op_name(node.op) + "): " + why);
}

int normalize_axis(const Node& node, int64_t axis, int rank) {
  int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= std::max(rank, 1))
    shape_error(node, "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  return static_cast<int>(a);
}

Shape broadcast_shapes(const Node& node, const Shape& a, const Shape& b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      shape_error(node, "shapes " + shape_string(a) + " and " + shape_string(b) + " do not broadcast");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

std::vector<int64_t> strides_of(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i) strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::None: return "none";
    case Activation::Relu: return "relu";
    case Activation::Relu6: return "relu6";
    case Activation::ReluN1To1: return "relu_n1_to_1";
  }
  return "none";
}

Activation activation_of(const Node& node) {
  std::string name = node.attrs.get_string("activation", "none");
  for (Activation a : {Activation::None, Activation::Relu, Activation::Relu6, Activation::ReluN1To1})
    if (name == activation_name(a)) return a;
  fail(ErrorKind::Internal, "node '" + node.name + "' has unknown activation '" + name + "'");
}

void apply_activation(Activation a, float* data, int64_t count) {
  float lo = 0, hi = 0;
  switch (a) {
    case Activation::None: return;
    case Activation::Relu: lo = 0; hi = INFINITY; break;
    case Activation::Relu6: lo = 0; hi = 6; break;
    case Activation::ReluN1To1: lo = -1; hi = 1; break;
  }
  for (int64_t i = 0; i < count; ++i) data[i] = std::min(std::max(data[i], lo), hi);
}

}  // namespace octet
