// Float TFLite flatbuffer to graph IR. Op mappings live with each op in ops/.
#pragma once
#include <string>
#include <vector>

#include "graph/graph.h"
#include "import/import_options.h"
#include "import/node_builder.h"
#include "tflite_generated.h"

namespace octet {

// Imports subgraph 0 of a float or an int8-quantized TFLite file. Constant
// DEQUANTIZE operators (float16 or weight-only int8 weights) fold into float32
// constants. In a quantized file, tensors keep their type and parameters:
// int8 activations and weights, int32 biases, uint8 / int16 only where
// QUANTIZE / DEQUANTIZE (imported as Quantize / Dequantize nodes) convert
// them. Files computing in uint8 or int16, and hybrid files (float
// activations, int8 weights), are refused. Errors name the path.
Graph import_tflite(const std::string& path, const ImportOptions& options = {});

// One TFLite operator being imported: options and operand access on top of NodeBuilder.
class TfliteOpImporter : public NodeBuilder {
 public:
  TfliteOpImporter(Graph& graph, std::unordered_map<std::string, int>& values,
                   const tflite::Operator& op, tflite::BuiltinOperator code, int version,
                   std::vector<int> input_ids, std::vector<std::string> output_names,
                   std::string node_name, std::vector<const tflite::Tensor*> output_sources = {});

  const tflite::Operator& op() const { return op_; }
  tflite::BuiltinOperator code() const { return code_; }
  int version() const { return version_; }

  size_t input_count() const { return inputs_.size(); }
  bool has_input(size_t i) const { return i < inputs_.size() && inputs_[i] != kNoTensor; }
  int input(size_t i) const;  // unsupported() when absent
  // The file's tensor behind output i (type, quantization), for mappings that
  // need what the IR infers for no other op: QUANTIZE's output parameters.
  const tflite::Tensor& output_source(size_t i) const;
  const Tensor& input_tensor(size_t i) const { return tensor(input(i)); }
  bool input_is_constant(size_t i) const { return has_input(i) && input_tensor(i).is_constant(); }
  // Values of a constant input; unsupported() naming the input when it is not
  // constant. Floats are real values: a quantized constant is dequantized.
  std::vector<int64_t> constant_ints(size_t i) const;
  std::vector<float> constant_floats(size_t i) const;

  // Translates a fused activation into the IR's "activation" attribute;
  // unsupported() for ones the IR does not fuse (TANH, SIGN_BIT).
  void set_activation(Attributes& attrs, tflite::ActivationFunctionType fused) const;

 protected:
  // The file's parameters for output i, which the emitted node's output takes.
  QuantParams output_quant(size_t i) const override;

 private:
  const tflite::Operator& op_;
  tflite::BuiltinOperator code_;
  int version_;
  std::vector<int> inputs_;
  std::vector<const tflite::Tensor*> output_sources_;
};

}  // namespace octet
