// Node-by-node comparison of a quantized graph with another runtime: each node
// is written alone as a .tflite file and run there on the very inputs octet's
// Engine computed for it, so a difference belongs to that node's kernel and
// not to what earlier nodes passed on. The tight counterpart of whole-file
// agreement, where one-step differences compound through the network.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "export/tflite_writer.h"
#include "output_agreement.h"
#include "runtime/engine.h"
#include "tfjs_runner.h"

namespace octet::node_by_node {

using TensorSet = std::vector<Tensor>;

// The graph of `node` alone: its non-constant inputs become graph inputs.
inline Graph single_node_graph(const Graph& graph, const Node& node) {
  Graph g = graph;
  g.nodes = {node};
  g.inputs.clear();
  for (int t : node.inputs)
    if (t != kNoTensor && !g.tensor(t).is_constant() && std::count(g.inputs.begin(), g.inputs.end(), t) == 0)
      g.inputs.push_back(t);
  g.outputs = node.outputs;
  g.remove_unused_tensors();
  return g;
}

// Every tensor octet's Engine computes for each input set, by tensor id.
inline std::vector<std::vector<Tensor>> all_values(const Graph& graph, const std::vector<TensorSet>& inputs) {
  std::vector<std::vector<Tensor>> values(inputs.size(), std::vector<Tensor>(graph.tensors.size()));
  Engine engine(graph);
  for (size_t s = 0; s < inputs.size(); ++s) {
    for (size_t i = 0; i < inputs[s].size(); ++i) values[s][graph.inputs[i]] = inputs[s][i];
    std::vector<const void*> data;
    for (const Tensor& t : inputs[s]) data.push_back(t.data->data());
    engine.run(data, [&](int id, const TensorView& v) {
      Tensor& copy = values[s][id] = graph.tensor(id);
      const uint8_t* bytes = static_cast<const uint8_t*>(v.data);
      copy.data = std::make_shared<Bytes>(bytes, bytes + copy.byte_size());
    });
  }
  return values;
}

struct NodeComparison {
  std::string node;
  std::string skipped;  // why the runtime cannot run it, or ""
  tfjs::OutputAgreement agreement{1};
};

// Why a runtime cannot run a one-node file ("" when it can).
using SkipReason = std::function<std::string(const Bytes& model)>;
// Runs a .tflite file on input sets, as tfjs::run_tflite does.
using Runner = std::function<std::vector<TensorSet>(const Bytes& model, const std::vector<TensorSet>& sets)>;

// Each node of `graph` alone in `run` on the inputs the Engine computed for
// it from `inputs`, against the Engine on the same inputs, within
// `tolerance_steps`.
inline std::vector<NodeComparison> compare_each_node(const Graph& graph, const std::vector<TensorSet>& inputs,
                                                     double tolerance_steps, const SkipReason& skip,
                                                     const Runner& run) {
  const std::vector<std::vector<Tensor>> values = all_values(graph, inputs);
  std::vector<NodeComparison> results;
  for (const Node& node : graph.nodes) {
    const Graph g = single_node_graph(graph, node);
    const Bytes model = write_tflite(g, "octet test");
    NodeComparison r{node.name, skip(model), tfjs::OutputAgreement(tolerance_steps)};
    if (r.skipped.empty()) {
      std::vector<TensorSet> sets;
      for (const std::vector<Tensor>& set_values : values) {
        sets.emplace_back();
        for (int t : g.inputs) sets.back().push_back(set_values[graph.find_tensor(g.tensor(t).name)]);
      }
      r.agreement = tfjs::agreement_with_engine(g, sets, run(model, sets), tolerance_steps).at(0);
    }
    results.push_back(std::move(r));
  }
  return results;
}

// Expects every compared node within its tolerance everywhere; prints the
// skipped nodes and a summary line naming the least identical node, tagged
// with `runtime`. Returns how many nodes were compared.
inline int expect_each_node_within_tolerance(const std::vector<NodeComparison>& results, const char* runtime,
                                             const char* model) {
  int compared = 0;
  const NodeComparison* least = nullptr;
  for (const NodeComparison& r : results) {
    if (!r.skipped.empty()) {
      std::printf("[ %-5s ] %s: node '%s' not compared: %s\n", runtime, model, r.node.c_str(), r.skipped.c_str());
      continue;
    }
    ++compared;
    EXPECT_EQ(r.agreement.within_tolerance(), 1.0) << r.node << ": " << r.agreement.summary();
    if (!least || r.agreement.identical() < least->agreement.identical()) least = &r;
  }
  std::printf("[ %-5s ] %-45s %d of %zu nodes alone within tolerance; least identical %.3f %% ('%s')\n", runtime,
              model, compared, results.size(), least ? 100 * least->agreement.identical() : 0.0,
              least ? least->node.c_str() : "");
  return compared;
}

}  // namespace octet::node_by_node
