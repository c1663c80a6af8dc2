#include "passes/rewrite.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include "graph/error.h"
#include "ops/op_def.h"
#include "ops/op_util.h"

namespace octet {

void Rewriter::index() {
  if (!stale_) return;
  producer_.assign(graph_.tensors.size(), kNoTensor);
  consumers_.assign(graph_.tensors.size(), {});
  for (int n = 0; n < node_count(); ++n) {
    if (erased(n)) continue;
    const Node& node = graph_.nodes[n];
    for (int t : node.outputs) producer_[t] = n;
    for (int t : node.inputs) {
      if (t == kNoTensor) continue;
      std::vector<int>& readers = consumers_[t];
      if (readers.empty() || readers.back() != n) readers.push_back(n);
    }
  }
  stale_ = false;
}

int Rewriter::producer(int tensor) {
  index();
  return producer_[tensor];
}

const std::vector<int>& Rewriter::consumers(int tensor) {
  index();
  return consumers_[tensor];
}

bool Rewriter::is_graph_input(int tensor) const {
  return std::count(graph_.inputs.begin(), graph_.inputs.end(), tensor) != 0;
}

bool Rewriter::is_graph_output(int tensor) const {
  return std::count(graph_.outputs.begin(), graph_.outputs.end(), tensor) != 0;
}

bool Rewriter::only_read_by(int tensor, int reader) {
  const std::vector<int>& readers = consumers(tensor);
  return !is_graph_output(tensor) && readers.size() == 1 && readers[0] == reader;
}

int Rewriter::add_node(OpKind op, const std::string& name, std::vector<int> inputs, Attributes attrs,
                       int num_outputs) {
  changed();
  return graph_.add_node(op, name, std::move(inputs), std::move(attrs), num_outputs);
}

int Rewriter::add_node_writing(OpKind op, const std::string& name, std::vector<int> inputs, Attributes attrs,
                               std::vector<int> outputs) {
  changed();
  return graph_.add_node_with_outputs(op, name, std::move(inputs), std::move(attrs), std::move(outputs));
}

int Rewriter::add_constant(Tensor tensor) {
  changed();
  return graph_.add_tensor(std::move(tensor));
}

int Rewriter::add_tensor(const std::string& base) {
  changed();
  Tensor t;
  t.name = base;
  return graph_.add_tensor(std::move(t));
}

void Rewriter::set_input(int n, size_t slot, int tensor) {
  changed();
  graph_.nodes[n].inputs.at(slot) = tensor;
}

void Rewriter::set_output(int n, size_t slot, int tensor) {
  changed();
  graph_.nodes[n].outputs.at(slot) = tensor;
}

void Rewriter::reinfer(int n) { op_def(graph_.nodes[n].op).infer(graph_, graph_.nodes[n]); }

void Rewriter::erase(int n) {
  changed();
  if (erased_.size() < graph_.nodes.size()) erased_.resize(graph_.nodes.size(), false);
  erased_[n] = true;
}

void Rewriter::replace_uses(int from, int to) {
  changed();
  for (int n = 0; n < node_count(); ++n) {
    if (erased(n)) continue;
    for (int& t : graph_.nodes[n].inputs)
      if (t == from) t = to;
  }
  for (int& t : graph_.outputs)
    if (t == from) t = to;
}

MatchResult Rewriter::bypass(int n, int replacement) {
  const int output = graph_.nodes[n].outputs.at(0);
  if (!is_graph_output(output)) {
    erase(n);
    replace_uses(output, replacement);
    return matched();
  }
  // Keep the graph output's name: the replacement's producer writes it.
  const int source = producer(replacement);
  if (source == kNoTensor) return no_match("its output is a graph output and its input has no producer to rename");
  if (is_graph_output(replacement)) return no_match("its input and output are both graph outputs");
  const std::vector<int>& outs = graph_.nodes[source].outputs;
  const size_t slot = std::find(outs.begin(), outs.end(), replacement) - outs.begin();
  erase(n);
  replace_uses(replacement, output);
  set_output(source, slot, output);
  return matched();
}

// Backwards from the graph outputs: a node is live when a graph output or a
// live node reads one of its outputs.
void Rewriter::remove_dead_nodes() {
  std::vector<int> readers(graph_.tensors.size(), 0);
  for (int t : graph_.outputs) ++readers[t];
  for (int n = 0; n < node_count(); ++n)
    if (!erased(n))
      for (int t : graph_.nodes[n].inputs)
        if (t != kNoTensor) ++readers[t];
  std::vector<int> work;
  for (int n = 0; n < node_count(); ++n) work.push_back(n);
  while (!work.empty()) {
    const int n = work.back();
    work.pop_back();
    if (erased(n)) continue;
    const Node& node = graph_.nodes[n];
    if (std::any_of(node.outputs.begin(), node.outputs.end(), [&](int t) { return readers[t] > 0; })) continue;
    erase(n);
    for (int t : node.inputs) {
      if (t == kNoTensor || --readers[t] > 0) continue;
      const int p = producer(t);
      if (p != kNoTensor) work.push_back(p);
    }
  }
}

void Rewriter::finish() {
  remove_dead_nodes();
  std::vector<Node> live;
  for (int n = 0; n < node_count(); ++n)
    if (!erased(n)) live.push_back(std::move(graph_.nodes[n]));
  graph_.nodes = std::move(live);
  erased_.clear();
  changed();
  graph_.sort();
  graph_.remove_unused_tensors();
  graph_.verify();
}

int apply_patterns(Graph& graph, const std::vector<Pattern>& patterns, const MatchLog& log) {
  // Each rewrite moves the graph toward a normal form; the cap only guards
  // against a pair of patterns undoing each other.
  constexpr int kMaxRounds = 100;
  Rewriter rewriter(graph);
  int rewrites = 0;
  bool changed = true;
  for (int round = 0; changed && round < kMaxRounds; ++round) {
    changed = false;
    for (int n = 0; n < rewriter.node_count(); ++n) {
      for (const Pattern& pattern : patterns) {
        if (rewriter.erased(n)) break;
        if (pattern.root && *pattern.root != rewriter.node(n).op) continue;
        const Node before = log ? rewriter.node(n) : Node{};
        const MatchResult result = pattern.apply(rewriter, n);
        if (log) log(pattern, before, result);
        if (!result.ok()) continue;
        ++rewrites;
        changed = true;
        break;
      }
    }
  }
  if (changed) fail(ErrorKind::Internal, "rewrite patterns did not settle in " + std::to_string(kMaxRounds) + " rounds");
  rewriter.finish();
  return rewrites;
}

std::vector<int64_t> inverse_perm(const std::vector<int64_t>& perm) {
  std::vector<int64_t> inverse(perm.size());
  for (size_t d = 0; d < perm.size(); ++d) inverse[perm[d]] = static_cast<int64_t>(d);
  return inverse;
}

bool is_identity_perm(const std::vector<int64_t>& perm) {
  for (size_t d = 0; d < perm.size(); ++d)
    if (perm[d] != static_cast<int64_t>(d)) return false;
  return true;
}

Shape permute_shape(const Shape& shape, const std::vector<int64_t>& perm) {
  Shape out;
  for (int64_t p : perm) out.push_back(shape.at(p));
  return out;
}

Tensor transpose_constant(const Tensor& constant, const std::vector<int64_t>& perm, const std::string& name) {
  const Shape out_shape = permute_shape(constant.shape, perm);
  const std::vector<int64_t> in_strides = strides_of(constant.shape);
  const size_t bytes = dtype_size(constant.dtype);
  auto data = std::make_shared<Bytes>(constant.data->size());
  const uint8_t* src = constant.data->data();
  std::vector<int64_t> index(out_shape.size(), 0);
  for (int64_t flat = 0; flat < element_count(out_shape); ++flat) {
    int64_t offset = 0;
    for (size_t d = 0; d < index.size(); ++d) offset += index[d] * in_strides[perm[d]];
    std::copy_n(src + offset * bytes, bytes, data->data() + flat * bytes);
    for (size_t d = index.size(); d-- > 0;) {
      if (++index[d] < out_shape[d]) break;
      index[d] = 0;
    }
  }
  Tensor t;
  t.name = name;
  t.dtype = constant.dtype;
  t.shape = out_shape;
  t.data = std::move(data);
  return t;
}

namespace {

// "<base>" of "<base><suffix>" or "<base><suffix>_<k>"; "" for other names.
std::string base_name(const std::string& name, const std::string& suffix) {
  size_t end = name.size();
  while (end > 0 && std::isdigit(static_cast<unsigned char>(name[end - 1]))) --end;
  end = end < name.size() && end > 0 && name[end - 1] == '_' ? end - 1 : name.size();
  if (end <= suffix.size() || name.compare(end - suffix.size(), suffix.size(), suffix) != 0) return "";
  return name.substr(0, end - suffix.size());
}

}  // namespace

void restore_base_names(Graph& graph, const std::string& suffix) {
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    const std::string base = base_name(graph.tensors[t].name, suffix);
    if (!base.empty() && graph.find_tensor(base) == kNoTensor) graph.rename_tensor(static_cast<int>(t), base);
  }
}

}  // namespace octet
