// Runs ONNX's own backend node tests (Debian libonnx-testdata) through the ONNX
// importer and the float engine, comparing with the expected outputs.
//
// Scope is computed, not listed: a test is in scope when octet imports and runs
// it without an Unsupported error (unknown op type, or an attribute, rank or
// dtype the op's mapping rejects). Everything in scope must pass.
//
// octet's graphs have static shapes, so operands such as Reshape's shape or
// Slice's starts must be constants. Many node tests feed those as graph
// inputs; such a test is run again with every input after the first bound as
// an initializer holding the test's own value ("frozen").
//
// Usage: onnx_conformance [-v] [FILTER...]   (FILTER: substrings of test names)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <unistd.h>

#include <onnx/onnx_pb.h>

#include <fstream>
#include <sstream>

#include "graph/error.h"
#include "import/onnx_importer.h"
#include "import/onnx_tensor.h"
#include "runtime/engine.h"

namespace fs = std::filesystem;
using namespace octet;

namespace {

constexpr double kRtol = 1e-3;
constexpr double kAtol = 1e-5;

enum class Outcome { Pass, Fail, OutOfScope };

struct Result {
  Outcome outcome;
  std::string detail;
  bool frozen = false;
};

std::vector<Tensor> read_numbered(const fs::path& dir, const std::string& prefix) {
  std::vector<Tensor> tensors;
  for (int i = 0;; ++i) {
    fs::path file = dir / (prefix + "_" + std::to_string(i) + ".pb");
    if (!fs::exists(file)) break;
    tensors.push_back(read_onnx_tensor_file(file.string()));
  }
  return tensors;
}

double value_at(const TensorView& v, int64_t i) {
  switch (v.dtype) {
    case DType::Float32: return v.as<float>()[i];
    case DType::Int64: return static_cast<double>(v.as<int64_t>()[i]);
    case DType::Int32: return v.as<int32_t>()[i];
    case DType::Int16: return v.as<int16_t>()[i];
    case DType::Int8: return v.as<int8_t>()[i];
    case DType::UInt8: return v.as<uint8_t>()[i];
    case DType::Bool: return v.as<bool>()[i];
    default: return NAN;
  }
}

// Empty when equal within tolerance; otherwise what differs.
std::string compare(const Tensor& expected, const TensorView& actual) {
  if (expected.element_count() != actual.element_count() ||
      (expected.shape != actual.shape && !expected.shape.empty()))
    return "shape " + shape_string(actual.shape) + ", expected " + shape_string(expected.shape);
  if (expected.dtype != actual.dtype)
    return std::string("dtype ") + dtype_name(actual.dtype) + ", expected " + dtype_name(expected.dtype);
  TensorView want{expected.dtype, expected.shape, const_cast<uint8_t*>(expected.data->data())};
  for (int64_t i = 0; i < expected.element_count(); ++i) {
    double e = value_at(want, i), a = value_at(actual, i);
    if (std::isnan(e) && std::isnan(a)) continue;
    if (e == a) continue;  // covers equal infinities
    if (!(std::fabs(a - e) <= kAtol + kRtol * std::fabs(e)))
      return "element " + std::to_string(i) + " is " + std::to_string(a) + ", expected " + std::to_string(e);
  }
  return "";
}

// Writes a copy of the test's model whose inputs after the first are
// initializers holding the test data's values; returns its path.
std::string write_frozen_model(const fs::path& dir, const fs::path& scratch) {
  std::ifstream in(dir / "model.onnx", std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  onnx::ModelProto model;
  model.ParseFromString(bytes.str());
  onnx::GraphProto* graph = model.mutable_graph();
  std::vector<onnx::ValueInfoProto> kept;
  for (int i = 0; i < graph->input_size(); ++i) {
    if (i == 0) { kept.push_back(graph->input(i)); continue; }
    std::ifstream tensor_file(dir / "test_data_set_0" / ("input_" + std::to_string(i) + ".pb"), std::ios::binary);
    std::stringstream tensor_bytes;
    tensor_bytes << tensor_file.rdbuf();
    onnx::TensorProto* init = graph->add_initializer();
    init->ParseFromString(tensor_bytes.str());
    init->set_name(graph->input(i).name());
  }
  graph->clear_input();
  for (const auto& v : kept) *graph->add_input() = v;
  fs::path out = scratch / (dir.filename().string() + ".onnx");
  std::ofstream(out, std::ios::binary) << model.SerializeAsString();
  return out.string();
}

Result run_model(const std::string& model_path, const fs::path& dir, bool frozen) {
  try {
    Graph graph = import_onnx(model_path);
    fs::path data = dir / "test_data_set_0";
    std::vector<Tensor> inputs = read_numbered(data, "input");
    if (frozen) inputs.resize(1);  // the others are initializers now
    std::vector<Tensor> expected = read_numbered(data, "output");
    if (inputs.size() != graph.inputs.size())
      return {Outcome::Fail, std::to_string(inputs.size()) + " input files for " +
                                 std::to_string(graph.inputs.size()) + " graph inputs"};
    std::vector<const void*> buffers;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const Tensor& want = graph.tensor(graph.inputs[i]);
      if (inputs[i].dtype != want.dtype || inputs[i].element_count() != want.element_count())
        return {Outcome::Fail, "input " + std::to_string(i) + " does not match the graph input"};
      buffers.push_back(inputs[i].data->data());
    }
    Engine engine(graph);
    std::vector<TensorView> outputs = engine.run(buffers);
    if (outputs.size() < expected.size())
      return {Outcome::Fail, "produced " + std::to_string(outputs.size()) + " outputs"};
    for (size_t i = 0; i < expected.size(); ++i) {
      std::string diff = compare(expected[i], outputs[i]);
      if (!diff.empty()) return {Outcome::Fail, "output " + std::to_string(i) + ": " + diff};
    }
    return {Outcome::Pass, ""};
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::Unsupported) return {Outcome::OutOfScope, e.what()};
    return {Outcome::Fail, e.what()};
  } catch (const std::exception& e) {
    return {Outcome::Fail, std::string("exception: ") + e.what()};
  }
}

Result run_test(const fs::path& dir, const fs::path& scratch) {
  Result r = run_model((dir / "model.onnx").string(), dir, false);
  if (r.outcome != Outcome::OutOfScope || r.detail.find("must be constant") == std::string::npos) return r;
  r = run_model(write_frozen_model(dir, scratch), dir, true);
  r.frozen = true;
  return r;
}

fs::path data_root() {
  if (const char* env = std::getenv("OCTET_ONNX_TESTDATA")) return env;
  return "/usr/share/libonnx-testdata/data/node";
}

}  // namespace

int main(int argc, char** argv) {
  bool verbose = false;
  std::vector<std::string> filters;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-v") verbose = true;
    else filters.push_back(arg);
  }
  fs::path root = data_root();
  if (!fs::is_directory(root)) {
    std::fprintf(stderr, "ONNX test data not found at %s (install libonnx-testdata)\n", root.c_str());
    return 2;
  }
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(root)) {
    std::string name = entry.path().filename().string();
    bool selected = filters.empty() || std::any_of(filters.begin(), filters.end(), [&](const std::string& f) {
                      return name.find(f) != std::string::npos;
                    });
    if (selected && fs::exists(entry.path() / "model.onnx")) dirs.push_back(entry.path());
  }
  std::sort(dirs.begin(), dirs.end());

  fs::path scratch = fs::temp_directory_path() / ("octet_conformance_" + std::to_string(::getpid()));
  fs::create_directories(scratch);
  int passed = 0, failed = 0, out_of_scope = 0, frozen = 0;
  for (const fs::path& dir : dirs) {
    Result r = run_test(dir, scratch);
    if (r.frozen && r.outcome != Outcome::OutOfScope) ++frozen;
    std::string name = dir.filename().string();
    switch (r.outcome) {
      case Outcome::Pass: ++passed; if (verbose) std::printf("PASS %s\n", name.c_str()); break;
      case Outcome::Fail: ++failed; std::printf("FAIL %s: %s\n", name.c_str(), r.detail.c_str()); break;
      case Outcome::OutOfScope:
        ++out_of_scope;
        if (verbose) std::printf("OUT-OF-SCOPE %s: %s\n", name.c_str(), r.detail.c_str());
        break;
    }
  }
  fs::remove_all(scratch);
  std::printf("ONNX node tests: %zu total, %d in scope (%d with shape operands frozen), %d passed, %d failed, "
              "%d out of scope\n",
              dirs.size(), passed + failed, frozen, passed, failed, out_of_scope);
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
