// Helpers for the TFLite writer tests: graphs built by hand, writing and
// importing again through a file, running a graph on seeded inputs, and the
// shared/ models.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "export/tflite_writer.h"
#include "graph/graph.h"
#include "test_graph.h"
#include "import/tflite_importer.h"
#include "io/output_file.h"
#include "runtime/engine.h"

namespace octet::export_test {

namespace fs = std::filesystem;

inline fs::path shared_dir() { return fs::path(OCTET_SOURCE_DIR) / ".." / "shared"; }

// Skips the test when ../shared is missing, except in CI (CI=true), where
// that is a failure.
#define REQUIRE_SHARED_DIR()                                                                \
  if (!octet::export_test::fs::is_directory(octet::export_test::shared_dir())) {            \
    const char* ci = std::getenv("CI");                                                     \
    if (ci && std::string(ci) == "true") FAIL() << "../shared is missing (needed in CI)"; \
    GTEST_SKIP() << "../shared not found";                                                  \
  }

// The graph written as TFLite and imported again.
inline Graph reimport(const Graph& graph, const std::string& name) {
  const fs::path path = fs::path(::testing::TempDir()) / ("octet_export_" + name + ".tflite");
  write_file_atomically(path.string(), write_tflite(graph, "octet test"));
  return import_tflite(path.string());
}

using octet::testing::seeded_values;

// The float outputs of a graph with float inputs, on seeded inputs scaled by `scale`.
inline std::vector<std::vector<float>> run_seeded(const Graph& graph, uint32_t seed, float scale = 1.0f) {
  std::vector<std::vector<float>> inputs;
  std::vector<const void*> pointers;
  for (size_t i = 0; i < graph.inputs.size(); ++i) {
    inputs.push_back(seeded_values(graph.tensor(graph.inputs[i]).element_count(), seed + static_cast<uint32_t>(i)));
    for (float& x : inputs.back()) x *= scale;
    pointers.push_back(inputs.back().data());
  }
  Engine engine(graph, {/*reference=*/true});  // exact equality across a round trip needs one kernel set
  std::vector<std::vector<float>> outputs;
  for (const TensorView& out : engine.run(pointers))
    outputs.emplace_back(out.as<float>(), out.as<float>() + out.element_count());
  return outputs;
}

inline std::map<std::string, int> op_histogram(const Graph& graph) {
  std::map<std::string, int> counts;
  for (const Node& node : graph.nodes) ++counts[op_name(node.op)];
  return counts;
}

inline int add_input(Graph& g, const std::string& name, Shape shape, DType dtype = DType::Float32,
                     QuantParams quant = {}) {
  Tensor t;
  t.name = name;
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.quant = std::move(quant);
  const int id = g.add_tensor(std::move(t));
  g.inputs.push_back(id);
  return id;
}

inline int add_constant(Graph& g, const std::string& name, Shape shape) {
  const int64_t count = element_count(shape);
  return g.add_tensor(make_constant<float>(name, std::move(shape), seeded_values(count, g.tensors.size() + 7)));
}

using octet::testing::add;
using octet::testing::attrs_of;

}  // namespace octet::export_test
