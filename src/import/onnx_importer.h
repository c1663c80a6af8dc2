// ONNX (opsets 7 to 18) to graph IR. Op mappings live with each op in ops/.
#pragma once
#include <string>
#include <vector>

#include "graph/graph.h"
#include "import/import_options.h"
#include "import/node_builder.h"

namespace onnx { class NodeProto; class AttributeProto; }

namespace octet {

Graph import_onnx(const std::string& path, const ImportOptions& options = {});

// One ONNX node being imported: attribute and operand access on top of NodeBuilder.
class OnnxNodeImporter : public NodeBuilder {
 public:
  OnnxNodeImporter(Graph& graph, std::unordered_map<std::string, int>& values,
                   const onnx::NodeProto& proto, int opset);

  const onnx::NodeProto& proto() const { return proto_; }
  const std::string& op_type() const;
  int opset() const { return opset_; }

  bool has_attr(const std::string& name) const;
  int64_t attr_int(const std::string& name, int64_t fallback) const;
  float attr_float(const std::string& name, float fallback) const;
  std::string attr_string(const std::string& name, const std::string& fallback) const;
  std::vector<int64_t> attr_ints(const std::string& name, std::vector<int64_t> fallback = {}) const;
  std::vector<float> attr_floats(const std::string& name, std::vector<float> fallback = {}) const;
  // A tensor-valued attribute (Constant's `value`), as an IR constant.
  Tensor attr_tensor(const std::string& name) const;

  size_t input_count() const;
  bool has_input(size_t i) const;  // present and non-empty name
  int input(size_t i) const;       // IR tensor id; unsupported() when absent
  const Tensor& input_tensor(size_t i) const { return tensor(input(i)); }
  bool input_is_constant(size_t i) const { return has_input(i) && input_tensor(i).is_constant(); }
  // Values of a constant input; unsupported() naming the input when it is not constant.
  std::vector<int64_t> constant_ints(size_t i) const;
  std::vector<float> constant_floats(size_t i) const;

 private:
  const onnx::NodeProto& proto_;
  int opset_;
  const onnx::AttributeProto* find_attr(const std::string& name) const;
};

// Names of the ONNX op types the registry can import (for conformance scoping).
std::vector<std::string> onnx_supported_op_types();

}  // namespace octet
