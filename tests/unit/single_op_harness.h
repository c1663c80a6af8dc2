// Test harness for op tests: runs one IR node, one TFLite operator through its
// import mapping, or a one-node ONNX model through the ONNX importer, on float
// inputs with the float engine.
#pragma once
#include <flatbuffers/flatbuffers.h>
#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "graph/error.h"
#include "import/onnx_importer.h"
#include "import/tflite_importer.h"
#include "ops/op_def.h"
#include "runtime/engine.h"

namespace octet::testing {

struct Input {
  Shape shape;
  std::vector<float> values;
  bool constant = false;
  std::vector<int32_t> ints;  // when set: an int32 constant (e.g. TFLite axes)
};

struct Result {
  Shape shape;
  std::vector<float> values;
};

inline int add_input(Graph& g, const Input& in, const std::string& name) {
  if (!in.ints.empty()) return g.add_tensor(make_constant<int32_t>(name, in.shape, in.ints));
  if (in.constant) return g.add_tensor(make_constant<float>(name, in.shape, in.values));
  Tensor t;
  t.name = name;
  t.shape = in.shape;
  int id = g.add_tensor(std::move(t));
  g.inputs.push_back(id);
  return id;
}

// Runs the graph's (single) output on the non-constant inputs' values.
inline Result run_graph(const Graph& g, const std::vector<Input>& inputs) {
  std::vector<const void*> data;
  for (const Input& in : inputs)
    if (!in.constant && in.ints.empty()) data.push_back(in.values.data());
  Engine engine(g, {/*reference=*/true});  // op tests check the reference kernels
  TensorView out = engine.run(data)[0];
  const float* p = out.as<float>();
  return {out.shape, std::vector<float>(p, p + out.element_count())};
}

inline Result run_op(OpKind op, const std::vector<Input>& inputs, Attributes attrs = {}) {
  Graph g;
  std::vector<int> ids;
  for (size_t i = 0; i < inputs.size(); ++i) ids.push_back(add_input(g, inputs[i], "in" + std::to_string(i)));
  int node = g.add_node(op, "op", ids, std::move(attrs));
  g.outputs = g.nodes[node].outputs;
  return run_graph(g, inputs);
}

// Imports one TFLite operator (its options built by `options`) with the
// mapping registered for `builtin`, then runs it.
template <typename MakeOptions>
Result run_tflite_op(tflite::BuiltinOperator builtin, tflite::BuiltinOptions options_type,
                     MakeOptions options, const std::vector<Input>& inputs) {
  flatbuffers::FlatBufferBuilder fbb;
  flatbuffers::Offset<void> opts = options(fbb);
  fbb.Finish(tflite::CreateOperator(fbb, 0, 0, 0, options_type, opts));
  const auto* op = flatbuffers::GetRoot<tflite::Operator>(fbb.GetBufferPointer());

  Graph g;
  std::vector<int> ids;
  for (size_t i = 0; i < inputs.size(); ++i) ids.push_back(add_input(g, inputs[i], "in" + std::to_string(i)));
  std::unordered_map<std::string, int> values;
  TfliteOpImporter importer(g, values, *op, builtin, 1, ids, {"out"}, "op");
  for (const OpDef* def : all_op_defs())
    for (const TfliteMapping& m : def->tflite)
      if (m.builtin == builtin) m.import(importer);
  g.outputs = {values.at("out")};
  return run_graph(g, inputs);
}

// Imports one ONNX node into `importer`'s graph through the registry's
// mapping for its op type, as the ONNX importer would.
inline void import_with_registry(OnnxNodeImporter& importer) {
  for (const OpDef* def : all_op_defs())
    for (const OnnxMapping& m : def->onnx)
      if (m.op_type == importer.op_type()) m.import(importer);
}

// Imports a one-node ONNX model at `opset` and runs it. Inputs are named
// after the node's inputs; constant ones become initializers (int ones int64).
// The import's own errors propagate.
inline Result run_onnx_node(const onnx::NodeProto& node, const std::vector<Input>& inputs, int opset) {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(opset);
  onnx::GraphProto* graph = model.mutable_graph();
  *graph->add_node() = node;
  std::vector<Input> present;  // inputs with a name; "" marks an absent optional one
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Input& in = inputs[i];
    if (node.input(i).empty()) continue;
    present.push_back(in);
    if (in.constant || !in.ints.empty()) {
      onnx::TensorProto* t = graph->add_initializer();
      t->set_name(node.input(i));
      for (int64_t d : in.shape) t->add_dims(d);
      t->set_data_type(in.ints.empty() ? onnx::TensorProto::FLOAT : onnx::TensorProto::INT64);
      for (float v : in.values) t->add_float_data(v);
      for (int32_t v : in.ints) t->add_int64_data(v);
      continue;
    }
    onnx::ValueInfoProto* v = graph->add_input();
    v->set_name(node.input(i));
    auto* type = v->mutable_type()->mutable_tensor_type();
    type->set_elem_type(onnx::TensorProto::FLOAT);
    auto* shape = type->mutable_shape();  // present even for a scalar
    for (int64_t d : in.shape) shape->add_dim()->set_dim_value(d);
  }
  graph->add_output()->set_name(node.output(0));
  const auto path = std::filesystem::temp_directory_path() /
                    ("octet_op_test_" + std::to_string(getpid()) + "_" + node.op_type() + ".onnx");
  std::ofstream(path, std::ios::binary) << model.SerializeAsString();
  Graph g = import_onnx(path.string());
  std::filesystem::remove(path);
  return run_graph(g, present);
}

inline onnx::NodeProto onnx_node(const std::string& op_type, std::vector<std::string> inputs) {
  onnx::NodeProto node;
  node.set_op_type(op_type);
  for (const std::string& name : inputs) node.add_input(name);
  node.add_output("y");
  return node;
}

inline void set_attr(onnx::NodeProto& node, const std::string& name, int64_t value) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(value);
}

inline void set_attr(onnx::NodeProto& node, const std::string& name, float value) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(value);
}

inline void set_attr(onnx::NodeProto& node, const std::string& name, const std::vector<int64_t>& values) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values) a->add_ints(v);
}

inline flatbuffers::Offset<void> no_options(flatbuffers::FlatBufferBuilder&) { return 0; }

}  // namespace octet::testing
