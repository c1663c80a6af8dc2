#include "import/onnx_importer.h"

#include <onnx/onnx_pb.h>

#include <fstream>
#include <map>
#include <sstream>

#include "graph/error.h"
#include "import/onnx_tensor.h"
#include "ops/op_def.h"

namespace octet {

namespace {

constexpr int kMinOpset = 7;
constexpr int kMaxOpset = 18;

using OnnxMappings = std::map<std::string, void (*)(OnnxNodeImporter&)>;

const OnnxMappings& onnx_mappings() {
  static const OnnxMappings mappings = [] {
    OnnxMappings m;
    for (const OpDef* def : all_op_defs())
      for (const OnnxMapping& mapping : def->onnx) m[mapping.op_type] = mapping.import;
    return m;
  }();
  return mappings;
}

std::string node_name(const onnx::NodeProto& node) {
  if (!node.name().empty()) return node.name();
  if (node.output_size() > 0) return node.output(0);
  return node.op_type();
}

onnx::ModelProto load_model(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorKind::BadFile, "cannot open file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  onnx::ModelProto model;
  if (!model.ParseFromString(buffer.str()) || model.graph().node_size() == 0)
    fail(ErrorKind::BadFile, "not a valid ONNX model (unreadable, truncated or empty protobuf)");
  return model;
}

int default_domain_opset(const onnx::ModelProto& model) {
  for (const auto& entry : model.opset_import())
    if (entry.domain().empty() || entry.domain() == "ai.onnx") return static_cast<int>(entry.version());
  return 0;  // only other domains: their nodes are reported unsupported
}

// A symbolic leading dimension is the batch: resolved to 1. Any other open
// dimension needs --input-shape.
Shape resolve_input_shape(const onnx::ValueInfoProto& input, const ImportOptions& options) {
  auto given = options.input_shapes.find(input.name());
  if (given != options.input_shapes.end()) return given->second;
  const auto& type = input.type().tensor_type();
  if (!type.has_shape())
    fail(ErrorKind::BadShape, "input '" + input.name() + "' has no shape; give one with --input-shape " +
                                  input.name() + ":D0,D1,...");
  Shape shape;
  for (int i = 0; i < type.shape().dim_size(); ++i) {
    const auto& dim = type.shape().dim(i);
    if (dim.has_dim_value()) {
      shape.push_back(dim.dim_value());
    } else if (i == 0) {
      shape.push_back(1);
    } else {
      std::string what = dim.has_dim_param() ? "'" + dim.dim_param() + "'" : "unknown";
      fail(ErrorKind::BadShape, "input '" + input.name() + "' has dynamic dimension " + std::to_string(i) +
                                    " (" + what + "); give its shape with --input-shape " + input.name() +
                                    ":D0,D1,...");
    }
  }
  return shape;
}

void check_all_supported(const onnx::GraphProto& graph, int opset) {
  std::vector<std::string> missing;
  for (const auto& node : graph.node()) {
    bool default_domain = node.domain().empty() || node.domain() == "ai.onnx";
    if (default_domain && onnx_mappings().count(node.op_type())) continue;
    std::string op = default_domain ? node.op_type() : node.domain() + "." + node.op_type();
    missing.push_back("'" + node_name(node) + "' (" + op + ", opset " + std::to_string(opset) + ")");
  }
  if (missing.empty()) return;
  std::string list;
  for (size_t i = 0; i < missing.size(); ++i) list += (i ? ", " : "") + missing[i];
  fail(ErrorKind::Unsupported, std::to_string(missing.size()) + " unsupported node" +
                                   (missing.size() > 1 ? "s: " : ": ") + list);
}

Graph import_graph(const onnx::ModelProto& model, const std::string& base_dir,
                   const ImportOptions& options) {
  const onnx::GraphProto& proto = model.graph();
  int opset = default_domain_opset(model);
  check_all_supported(proto, opset);
  if (opset < kMinOpset || opset > kMaxOpset)
    fail(ErrorKind::Unsupported, "opset " + std::to_string(opset) + " is outside the supported range " +
                                     std::to_string(kMinOpset) + " to " + std::to_string(kMaxOpset));

  Graph graph;
  std::unordered_map<std::string, int> values;
  for (const auto& init : proto.initializer())
    values[init.name()] = graph.add_tensor(tensor_from_onnx(init, base_dir));
  for (const auto& input : proto.input()) {
    if (values.count(input.name())) continue;  // an initializer listed as input (old exporters)
    Tensor t;
    t.name = input.name();
    t.dtype = dtype_from_onnx(input.type().tensor_type().elem_type(), "input '" + input.name() + "'");
    t.shape = resolve_input_shape(input, options);
    int id = graph.add_tensor(std::move(t));
    values[input.name()] = id;
    graph.inputs.push_back(id);
  }
  for (const auto& name_shape : options.input_shapes)
    if (!values.count(name_shape.first))
      fail(ErrorKind::Usage, "--input-shape names '" + name_shape.first + "', which is not a model input");

  for (const auto& node : proto.node()) {
    OnnxNodeImporter importer(graph, values, node, opset);
    onnx_mappings().at(node.op_type())(importer);
  }
  for (const auto& output : proto.output()) {
    auto it = values.find(output.name());
    if (it == values.end()) fail(ErrorKind::BadFile, "graph output '" + output.name() + "' is never produced");
    graph.outputs.push_back(it->second);
  }
  graph.remove_unused_tensors();
  graph.verify();
  return graph;
}

}  // namespace

Graph import_onnx(const std::string& path, const ImportOptions& options) {
  try {
    onnx::ModelProto model = load_model(path);
    size_t slash = path.find_last_of('/');
    std::string base_dir = slash == std::string::npos ? "." : path.substr(0, slash);
    return import_graph(model, base_dir, options);
  } catch (const Error& e) {
    throw Error(e.kind(), path + ": " + e.what());
  }
}

std::vector<std::string> onnx_supported_op_types() {
  std::vector<std::string> types;
  for (const auto& entry : onnx_mappings()) types.push_back(entry.first);
  return types;
}

// ---- OnnxNodeImporter ------------------------------------------------------

static std::vector<std::string> output_names(const onnx::NodeProto& proto) {
  return std::vector<std::string>(proto.output().begin(), proto.output().end());
}

OnnxNodeImporter::OnnxNodeImporter(Graph& graph, std::unordered_map<std::string, int>& values,
                                   const onnx::NodeProto& proto, int opset)
    : NodeBuilder(graph, values, node_name(proto), proto.op_type() + ", opset " + std::to_string(opset),
                  output_names(proto)),
      proto_(proto),
      opset_(opset) {}

const std::string& OnnxNodeImporter::op_type() const { return proto_.op_type(); }

const onnx::AttributeProto* OnnxNodeImporter::find_attr(const std::string& name) const {
  for (const auto& a : proto_.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

bool OnnxNodeImporter::has_attr(const std::string& name) const { return find_attr(name) != nullptr; }

int64_t OnnxNodeImporter::attr_int(const std::string& name, int64_t fallback) const {
  const auto* a = find_attr(name);
  return a ? a->i() : fallback;
}
float OnnxNodeImporter::attr_float(const std::string& name, float fallback) const {
  const auto* a = find_attr(name);
  return a ? a->f() : fallback;
}
std::string OnnxNodeImporter::attr_string(const std::string& name, const std::string& fallback) const {
  const auto* a = find_attr(name);
  return a ? a->s() : fallback;
}
std::vector<int64_t> OnnxNodeImporter::attr_ints(const std::string& name,
                                                 std::vector<int64_t> fallback) const {
  const auto* a = find_attr(name);
  return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : fallback;
}
std::vector<float> OnnxNodeImporter::attr_floats(const std::string& name,
                                                 std::vector<float> fallback) const {
  const auto* a = find_attr(name);
  return a ? std::vector<float>(a->floats().begin(), a->floats().end()) : fallback;
}
Tensor OnnxNodeImporter::attr_tensor(const std::string& name) const {
  const auto* a = find_attr(name);
  if (!a || !a->has_t()) unsupported("attribute '" + name + "' must be a tensor");
  Tensor t = tensor_from_onnx(a->t(), ".");
  t.name = output_names_.empty() ? node_name_ : output_names_[0];
  return t;
}

size_t OnnxNodeImporter::input_count() const { return proto_.input_size(); }

bool OnnxNodeImporter::has_input(size_t i) const {
  return i < static_cast<size_t>(proto_.input_size()) && !proto_.input(i).empty();
}

int OnnxNodeImporter::input(size_t i) const {
  if (!has_input(i)) unsupported("input " + std::to_string(i) + " is missing");
  auto it = values_.find(proto_.input(i));
  if (it == values_.end())
    fail(ErrorKind::BadFile, "node '" + node_name_ + "' reads '" + proto_.input(i) +
                                 "', which no node, input or initializer defines");
  return it->second;
}

std::vector<int64_t> OnnxNodeImporter::constant_ints(size_t i) const {
  if (!input_is_constant(i)) unsupported("input " + std::to_string(i) + " ('" + proto_.input(i) + "') must be constant");
  return octet::constant_ints(input_tensor(i));
}

std::vector<float> OnnxNodeImporter::constant_floats(size_t i) const {
  if (!input_is_constant(i)) unsupported("input " + std::to_string(i) + " ('" + proto_.input(i) + "') must be constant");
  return octet::constant_floats(input_tensor(i));
}

}  // namespace octet
