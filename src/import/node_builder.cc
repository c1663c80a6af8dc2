#include "import/node_builder.h"

#include <algorithm>

#include "graph/error.h"
#include "runtime/engine.h"

namespace octet {

// The quantization of an intermediate Reshape's or Transpose's output: the
// input's, with a per-channel axis following its dimension through the
// transpose (output dimension d is input dimension perm[d]). Other ops have
// no parameters to inherit. A reshape of per-channel parameters has no
// well-defined axis.
QuantParams NodeBuilder::moved_quant(const Node& node) const {
  const QuantParams& in = graph_.tensor(node.inputs.at(0)).quant;
  if (in.empty() || (node.op != OpKind::Reshape && node.op != OpKind::Transpose)) return {};
  QuantParams out = in;
  if (in.axis < 0) return out;
  if (node.op == OpKind::Reshape) unsupported("reshaping a per-channel quantized tensor");
  const std::vector<int64_t> perm = node.attrs.get_ints("perm");
  out.axis = static_cast<int>(std::find(perm.begin(), perm.end(), in.axis) - perm.begin());
  return out;
}

NodeBuilder::NodeBuilder(Graph& graph, std::unordered_map<std::string, int>& values,
                         std::string node_name, std::string description,
                         std::vector<std::string> output_names)
    : graph_(graph),
      values_(values),
      node_name_(std::move(node_name)),
      description_(std::move(description)),
      output_names_(std::move(output_names)) {}

void NodeBuilder::fold_last_node_if_constant() {
  const Node& node = graph_.nodes.back();
  if (!all_inputs_constant(graph_, node)) return;
  evaluate_constant_node(graph_, node);
  graph_.nodes.pop_back();
}

int NodeBuilder::add(OpKind op, std::vector<int> inputs, Attributes attrs) {
  std::string name = node_name_ + "/" + op_name(op);
  if (intermediates_++) name += "_" + std::to_string(intermediates_);
  int n = graph_.add_node(op, name, std::move(inputs), std::move(attrs));
  int out = graph_.nodes[n].outputs[0];
  graph_.tensor(out).quant = moved_quant(graph_.nodes[n]);
  fold_last_node_if_constant();
  return out;
}

void NodeBuilder::emit(OpKind op, std::vector<int> inputs, Attributes attrs, int num_outputs) {
  size_t count = num_outputs < 0 ? output_names_.size() : static_cast<size_t>(num_outputs);
  std::vector<int> outputs;
  for (size_t i = 0; i < count; ++i) {
    Tensor t;
    t.name = output_names_[i].empty() ? node_name_ + ":" + std::to_string(i) : output_names_[i];
    t.quant = output_quant(i);  // before folding: an integer kernel needs it
    outputs.push_back(graph_.add_tensor(std::move(t)));
  }
  graph_.add_node_with_outputs(op, node_name_, std::move(inputs), std::move(attrs), outputs);
  for (size_t i = 0; i < count; ++i)
    if (!output_names_[i].empty()) values_[output_names_[i]] = outputs[i];
  fold_last_node_if_constant();
}

void NodeBuilder::alias_output(size_t index, int tensor_id) {
  values_[output_names_.at(index)] = tensor_id;
}

int NodeBuilder::constant(Tensor tensor) { return graph_.add_tensor(std::move(tensor)); }

int NodeBuilder::transpose(int tensor_id, const std::vector<int64_t>& perm) {
  Attributes attrs;
  attrs.set("perm", perm);
  return add(OpKind::Transpose, {tensor_id}, std::move(attrs));
}

int NodeBuilder::to_channels_last(int tensor_id) {
  int rank = static_cast<int>(tensor(tensor_id).shape.size());
  std::vector<int64_t> perm{0};
  for (int i = 2; i < rank; ++i) perm.push_back(i);
  perm.push_back(1);
  return transpose(tensor_id, perm);
}

int NodeBuilder::to_channels_first(int tensor_id) {
  int rank = static_cast<int>(tensor(tensor_id).shape.size());
  std::vector<int64_t> perm{0, rank - 1};
  for (int i = 1; i < rank - 1; ++i) perm.push_back(i);
  return transpose(tensor_id, perm);
}

void NodeBuilder::unsupported(const std::string& why) const {
  fail(ErrorKind::Unsupported, "node '" + node_name_ + "' (" + description_ + "): " + why);
}

void NodeBuilder::bad_shape(const std::string& why) const {
  fail(ErrorKind::BadShape, "node '" + node_name_ + "' (" + description_ + "): " + why);
}

}  // namespace octet
