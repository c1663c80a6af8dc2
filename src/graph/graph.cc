#include "graph/graph.h"

#include <algorithm>
#include <sstream>

#include "graph/error.h"
#include "ops/op_def.h"

namespace octet {

std::string Graph::unique_name(const std::string& base) const {
  if (!by_name_.count(base)) return base;
  for (int i = 1;; ++i) {
    std::string candidate = base + "_" + std::to_string(i);
    if (!by_name_.count(candidate)) return candidate;
  }
}

int Graph::add_tensor(Tensor tensor) {
  tensor.name = unique_name(tensor.name.empty() ? "t" : tensor.name);
  int id = static_cast<int>(tensors.size());
  by_name_[tensor.name] = id;
  tensors.push_back(std::move(tensor));
  return id;
}

int Graph::add_node(OpKind op, const std::string& name, std::vector<int> inputs,
                    Attributes attrs, int num_outputs) {
  std::vector<int> outputs;
  for (int i = 0; i < num_outputs; ++i) {
    Tensor t;
    t.name = num_outputs == 1 ? name : name + ":" + std::to_string(i);
    outputs.push_back(add_tensor(std::move(t)));
  }
  return add_node_with_outputs(op, name, std::move(inputs), std::move(attrs), std::move(outputs));
}

int Graph::add_node_with_outputs(OpKind op, const std::string& name, std::vector<int> inputs,
                                 Attributes attrs, std::vector<int> outputs) {
  Node node;
  node.name = name;
  node.op = op;
  node.attrs = std::move(attrs);
  node.inputs = std::move(inputs);
  node.outputs = std::move(outputs);
  nodes.push_back(std::move(node));
  op_def(op).infer(*this, nodes.back());
  return static_cast<int>(nodes.size()) - 1;
}

int Graph::find_tensor(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? kNoTensor : it->second;
}

void Graph::rename_tensor(int id, const std::string& name) {
  const int holder = find_tensor(name);
  if (holder == id) return;
  if (holder != kNoTensor) fail(ErrorKind::Internal, "cannot rename a tensor to '" + name + "': the name is taken");
  by_name_.erase(tensor(id).name);
  tensor(id).name = name;
  by_name_[name] = id;
}

std::vector<int> Graph::producers() const {
  std::vector<int> producer(tensors.size(), kNoTensor);
  for (size_t n = 0; n < nodes.size(); ++n)
    for (int t : nodes[n].outputs) producer[t] = static_cast<int>(n);
  return producer;
}

void Graph::sort() {
  std::vector<int> producer = producers();
  std::vector<int> state(nodes.size(), 0);  // 0 new, 1 visiting, 2 done
  std::vector<Node> ordered;
  ordered.reserve(nodes.size());
  // Iterative DFS so deep graphs cannot overflow the stack.
  for (size_t root = 0; root < nodes.size(); ++root) {
    std::vector<std::pair<int, size_t>> stack{{static_cast<int>(root), 0}};
    while (!stack.empty()) {
      auto& [n, next_input] = stack.back();
      if (next_input == 0 && state[n] == 2) { stack.pop_back(); continue; }
      state[n] = 1;
      if (next_input < nodes[n].inputs.size()) {
        int t = nodes[n].inputs[next_input++];
        int p = t == kNoTensor ? kNoTensor : producer[t];
        if (p == kNoTensor || state[p] == 2) continue;
        if (state[p] == 1) fail(ErrorKind::BadFile, "graph has a cycle through node '" + nodes[p].name + "'");
        stack.push_back({p, 0});
        continue;
      }
      state[n] = 2;
      ordered.push_back(nodes[n]);
      stack.pop_back();
    }
  }
  nodes = std::move(ordered);
}

void Graph::verify() const {
  auto bad = [](const std::string& what) { fail(ErrorKind::Internal, "graph verifier: " + what); };
  auto check_id = [&](int t, const std::string& where) {
    if (t < 0 || t >= static_cast<int>(tensors.size())) bad(where + " refers to tensor id " + std::to_string(t));
  };
  std::vector<int> produced_by(tensors.size(), kNoTensor);
  std::vector<bool> available(tensors.size(), false);
  for (int t : inputs) { check_id(t, "graph input"); available[t] = true; }
  for (size_t t = 0; t < tensors.size(); ++t)
    if (tensors[t].is_constant()) available[t] = true;
  for (size_t n = 0; n < nodes.size(); ++n) {
    const Node& node = nodes[n];
    for (int t : node.inputs) {
      if (t == kNoTensor) continue;
      check_id(t, "node '" + node.name + "'");
      if (!available[t]) bad("node '" + node.name + "' reads '" + tensors[t].name + "' before it is produced");
    }
    for (int t : node.outputs) {
      check_id(t, "node '" + node.name + "'");
      if (produced_by[t] != kNoTensor) bad("tensor '" + tensors[t].name + "' has two producers");
      if (tensors[t].is_constant()) bad("node '" + node.name + "' writes constant '" + tensors[t].name + "'");
      produced_by[t] = static_cast<int>(n);
      available[t] = true;
    }
  }
  for (int t : outputs) {
    check_id(t, "graph output");
    if (!available[t]) bad("graph output '" + tensors[t].name + "' is never produced");
  }
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    if (t.is_constant() && t.data->size() != t.byte_size())
      bad("constant '" + t.name + "' holds " + std::to_string(t.data->size()) + " bytes, shape " +
          shape_string(t.shape) + " needs " + std::to_string(t.byte_size()));
    auto it = by_name_.find(t.name);
    if (it == by_name_.end() || it->second != static_cast<int>(i)) bad("tensor name index out of date for '" + t.name + "'");
  }
}

void Graph::remove_unused_tensors() {
  std::vector<bool> used(tensors.size(), false);
  for (int t : inputs) used[t] = true;
  for (int t : outputs) used[t] = true;
  for (const Node& n : nodes) {
    for (int t : n.inputs) if (t != kNoTensor) used[t] = true;
    for (int t : n.outputs) used[t] = true;
  }
  std::vector<int> new_id(tensors.size(), kNoTensor);
  std::vector<Tensor> kept;
  by_name_.clear();
  for (size_t t = 0; t < tensors.size(); ++t) {
    if (!used[t]) continue;
    new_id[t] = static_cast<int>(kept.size());
    by_name_[tensors[t].name] = new_id[t];
    kept.push_back(std::move(tensors[t]));
  }
  tensors = std::move(kept);
  auto remap = [&](std::vector<int>& ids) {
    for (int& t : ids) if (t != kNoTensor) t = new_id[t];
  };
  remap(inputs);
  remap(outputs);
  for (Node& n : nodes) { remap(n.inputs); remap(n.outputs); }
}

static std::string tensor_ref(const Graph& g, int id) {
  if (id == kNoTensor) return "-";
  const Tensor& t = g.tensor(id);
  std::string s = "%" + t.name + ":" + dtype_name(t.dtype) + shape_string(t.shape);
  if (t.is_constant()) s += "(const)";
  if (!t.quant.empty()) {
    std::ostringstream q;
    q << "{q";
    if (t.quant.axis >= 0) q << " axis=" << t.quant.axis << " n=" << t.quant.scales.size();
    else q << " s=" << t.quant.scales[0] << " zp=" << t.quant.zero_points[0];
    s += q.str() + "}";
  }
  return s;
}

std::string dump(const Graph& g) {
  std::ostringstream out;
  for (int t : g.inputs) out << "input " << tensor_ref(g, t) << "\n";
  for (const Node& n : g.nodes) {
    for (size_t i = 0; i < n.outputs.size(); ++i) out << (i ? ", " : "") << tensor_ref(g, n.outputs[i]);
    out << " = " << op_name(n.op) << "(";
    for (size_t i = 0; i < n.inputs.size(); ++i) out << (i ? ", " : "") << tensor_ref(g, n.inputs[i]);
    out << ")";
    for (const auto& [key, value] : n.attrs.values()) out << " " << key << "=" << attr_value_string(value);
    out << "  # " << n.name << "\n";
  }
  for (int t : g.outputs) out << "output " << tensor_ref(g, t) << "\n";
  return out.str();
}

}  // namespace octet
