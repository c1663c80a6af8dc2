// Helpers shared by op definitions: shape-inference plumbing, axis handling,
// broadcasting, and the fused activation that TFLite ops carry.
#pragma once
#include <string>
#include <vector>

#include "graph/error.h"
#include "graph/graph.h"

namespace octet {

inline const Tensor& input_of(const Graph& g, const Node& n, size_t i) { return g.tensor(n.inputs.at(i)); }
inline void set_output(Graph& g, const Node& n, size_t i, DType dtype, Shape shape) {
  Tensor& t = g.tensor(n.outputs.at(i));
  t.dtype = dtype;
  t.shape = std::move(shape);
}

[[noreturn]] void shape_error(const Node& node, const std::string& why);

// Maps a possibly negative axis into [0, rank); shape_error when out of range.
int normalize_axis(const Node& node, int64_t axis, int rank);
// Numpy-style broadcast of two shapes; shape_error when they do not broadcast.
Shape broadcast_shapes(const Node& node, const Shape& a, const Shape& b);
// Row-major strides of a shape, in elements.
std::vector<int64_t> strides_of(const Shape& shape);

// A clamp that TFLite fuses into convolution, fully-connected and elementwise ops.
// Stored in the "activation" attribute by name: none, relu, relu6, relu_n1_to_1.
enum class Activation { None, Relu, Relu6, ReluN1To1 };
Activation activation_of(const Node& node);
const char* activation_name(Activation a);
void apply_activation(Activation a, float* data, int64_t count);

}  // namespace octet
