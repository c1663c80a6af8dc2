#include "import/tflite_importer.h"

#include <algorithm>
#include <map>

#include "graph/error.h"
#include "import/tflite_dequantize.h"
#include "import/tflite_file.h"
#include "import/tflite_summary.h"
#include "ops/op_def.h"
#include "ops/op_util.h"

namespace octet {

namespace {

using TfliteMappings = std::map<int, void (*)(TfliteOpImporter&)>;

const TfliteMappings& tflite_mappings() {
  static const TfliteMappings mappings = [] {
    TfliteMappings m;
    for (const OpDef* def : all_op_defs())
      for (const TfliteMapping& mapping : def->tflite) m[mapping.builtin] = mapping.import;
    return m;
  }();
  return mappings;
}

std::vector<int> indices(const flatbuffers::Vector<int32_t>* v) {
  return v ? std::vector<int>(v->begin(), v->end()) : std::vector<int>{};
}

std::string describe(const tflite::Model& model, const tflite::Operator& op) {
  return tflite_op_name(model, op) + " v" + std::to_string(op_version(model, op));
}

// "int8 with scale 0.1 zero point 3", for messages.
std::string typed_quant(const std::string& type, const QuantParams& q) {
  return q.empty() ? type : type + " with " + quant_string(q);
}

bool is_quantized_type(tflite::TensorType type) {
  return type == tflite::TensorType_INT8 || type == tflite::TensorType_UINT8 || type == tflite::TensorType_INT16;
}

// One source model being imported. Values are keyed by tensor name, as
// NodeBuilder expects; unnamed or duplicated names get the tensor index added so
// that every TFLite tensor has its own key.
class TfliteGraphImporter {
 public:
  TfliteGraphImporter(const TfliteFile& file, const ImportOptions& options)
      : file_(file), model_(file.model()), subgraph_(file.main_subgraph()), options_(options) {
    const auto* tensors = subgraph_.tensors();
    std::map<std::string, int> uses;
    for (size_t i = 0; tensors && i < tensors->size(); ++i) ++uses[tensor_name(*tensors->Get(i), i)];
    for (size_t i = 0; tensors && i < tensors->size(); ++i) {
      std::string name = tensor_name(*tensors->Get(i), i);
      keys_.push_back(uses[name] > 1 ? name + "#" + std::to_string(i) : name);
    }
  }

  Graph import() {
    check_quantization();
    check_all_supported();
    add_inputs();
    const auto* ops = subgraph_.operators();
    for (size_t i = 0; ops && i < ops->size(); ++i) import_operator(*ops->Get(i));
    for (int t : indices(subgraph_.outputs())) graph_.outputs.push_back(value_of(t, "graph output"));
    graph_.remove_unused_tensors();
    graph_.verify();
    return std::move(graph_);
  }

 private:
  const TfliteFile& file_;
  const tflite::Model& model_;
  const tflite::SubGraph& subgraph_;
  const ImportOptions& options_;
  std::vector<std::string> keys_;  // per TFLite tensor index
  Graph graph_;
  std::unordered_map<std::string, int> values_;  // key -> IR tensor id

  const std::string& key(int t) const {
    file_.tensor(t);  // range check
    return keys_[t];
  }

  // octet computes in float32 or in int8; uint8 and int16 appear only at the
  // edges, converted by QUANTIZE / DEQUANTIZE. Files whose operators compute
  // in another quantized type, or mix float activations with int8 weights
  // (hybrid, dynamic-range quantization), are refused up front with the reason
  // rather than failing later in a kernel.
  void check_quantization() const {
    const auto* ops = subgraph_.operators();
    for (size_t i = 0; ops && i < ops->size(); ++i) {
      const tflite::Operator& op = *ops->Get(i);
      auto code = builtin_code(model_, op);
      if (code == tflite::BuiltinOperator_QUANTIZE || code == tflite::BuiltinOperator_DEQUANTIZE) continue;
      int float_tensor = -1, int8_tensor = -1;
      for (int t : operand_indices(op)) {
        const tflite::Tensor& tensor = file_.tensor(t);
        if (tensor.type() == tflite::TensorType_FLOAT32) float_tensor = t;
        if (!is_quantized_type(tensor.type()) || quant_params(tensor, t).empty()) continue;
        if (tensor.type() != tflite::TensorType_INT8)
          fail(ErrorKind::Unsupported, operator_text(op) + " computes on " + tflite_type_name(tensor.type()) +
                                           " tensor '" + keys_[t] + "': " + tflite_type_name(tensor.type()) +
                                           "-quantized operators are not supported (int8 only)");
        int8_tensor = t;
      }
      if (float_tensor >= 0 && int8_tensor >= 0)
        fail(ErrorKind::Unsupported, operator_text(op) + " mixes float32 '" + keys_[float_tensor] + "' with int8 '" +
                                         keys_[int8_tensor] + "': hybrid (dynamic-range) quantization is not supported");
    }
  }

  std::vector<int> operand_indices(const tflite::Operator& op) const {
    std::vector<int> all;
    for (const auto* list : {op.inputs(), op.outputs()})
      for (int t : indices(list))
        if (t >= 0) all.push_back(t);
    return all;
  }

  void check_all_supported() const {
    std::vector<std::string> missing;
    const auto* ops = subgraph_.operators();
    for (size_t i = 0; ops && i < ops->size(); ++i) {
      const tflite::Operator& op = *ops->Get(i);
      if (is_foldable_dequantize(file_, op) || tflite_mappings().count(builtin_code(model_, op))) continue;
      missing.push_back("'" + node_name(op) + "' (" + describe(model_, op) + ")");
    }
    if (missing.empty()) return;
    std::string list;
    for (size_t i = 0; i < missing.size(); ++i) list += (i ? ", " : "") + missing[i];
    fail(ErrorKind::Unsupported, std::to_string(missing.size()) + " unsupported operator" +
                                     (missing.size() > 1 ? "s: " : ": ") + list);
  }

  // "operator 'name' (CONV_2D v3)", for messages.
  std::string operator_text(const tflite::Operator& op) const {
    return "operator '" + node_name(op) + "' (" + describe(model_, op) + ")";
  }

  std::string node_name(const tflite::Operator& op) const {
    const auto* outputs = op.outputs();
    if (outputs && outputs->size() > 0 && outputs->Get(0) >= 0) return key(outputs->Get(0));
    return tflite_op_name(model_, op);
  }

  // A leading -1 is the batch: resolved to 1. Any other open dimension needs --input-shape.
  Shape input_shape(int t) const {
    const tflite::Tensor& tensor = file_.tensor(t);
    Shape stored = tensor_shape(tensor);
    auto given = options_.input_shapes.find(keys_[t]);
    if (given != options_.input_shapes.end()) {
      if (given->second.size() != stored.size())
        fail(ErrorKind::Usage, "--input-shape gives " + shape_string(given->second) + " for input '" + keys_[t] +
                                   "', whose rank is " + std::to_string(stored.size()));
      return given->second;
    }
    Shape shape = tensor.shape_signature() && tensor.shape_signature()->size() == stored.size()
                      ? Shape(tensor.shape_signature()->begin(), tensor.shape_signature()->end())
                      : stored;
    for (size_t d = 0; d < shape.size(); ++d) {
      if (shape[d] >= 0) continue;
      if (d > 0)
        fail(ErrorKind::BadShape, "input '" + keys_[t] + "' has dynamic dimension " + std::to_string(d) +
                                      "; give its shape with --input-shape " + keys_[t] + ":D0,D1,...");
      shape[d] = 1;
    }
    return shape;
  }

  void add_inputs() {
    for (int t : indices(subgraph_.inputs())) {
      const tflite::Tensor& source = file_.tensor(t);
      if (file_.is_constant(source)) continue;
      Tensor tensor;
      tensor.name = keys_[t];
      tensor.dtype = dtype_from_tflite(source.type(), "input '" + keys_[t] + "'");
      tensor.shape = input_shape(t);
      tensor.quant = quant_params(source, t);
      int id = graph_.add_tensor(std::move(tensor));
      values_[keys_[t]] = id;
      graph_.inputs.push_back(id);
    }
    for (const auto& name_shape : options_.input_shapes)
      if (!values_.count(name_shape.first))
        fail(ErrorKind::Usage, "--input-shape names '" + name_shape.first + "', which is not a model input");
  }

  // The IR tensor for TFLite tensor `t`: an earlier output, a graph input, or a
  // constant created on first use.
  int value_of(int t, const std::string& reader) {
    auto it = values_.find(key(t));
    if (it != values_.end()) return it->second;
    if (!file_.is_constant(file_.tensor(t)))
      fail(ErrorKind::BadFile, reader + " reads '" + keys_[t] +
                                   "', which is neither a graph input, a constant nor an earlier operator's output");
    int id = graph_.add_tensor(file_.constant(t, keys_[t]));
    values_[keys_[t]] = id;
    return id;
  }

  void import_operator(const tflite::Operator& op) {
    std::vector<int> outputs = indices(op.outputs());
    if (is_foldable_dequantize(file_, op)) {
      if (!outputs.empty()) values_[key(outputs[0])] = graph_.add_tensor(fold_dequantize(file_, op, key(outputs[0])));
      return;
    }
    const std::string name = node_name(op);
    std::vector<int> input_ids;
    for (int t : indices(op.inputs())) input_ids.push_back(t < 0 ? kNoTensor : value_of(t, "operator '" + name + "'"));
    std::vector<std::string> output_keys;
    std::vector<const tflite::Tensor*> output_sources;
    for (int t : outputs) {
      output_keys.push_back(key(t));
      output_sources.push_back(&file_.tensor(t));
    }
    auto code = builtin_code(model_, op);
    TfliteOpImporter importer(graph_, values_, op, code, op_version(model_, op), std::move(input_ids),
                              output_keys, name, std::move(output_sources));
    const size_t first_new_tensor = graph_.tensors.size();
    tflite_mappings().at(code)(importer);
    check_output_shapes(op, outputs);
    check_quantized_results(op, outputs, first_new_tensor);
  }

  // A quantized operator's outputs must come out with the file's type and
  // parameters (the mapping's final node takes them from the file; an
  // aliased output must already have them), and no intermediate node that its
  // mapping added may leave an integer tensor without parameters: a kernel
  // would have nothing to compute with. Float operators are not checked.
  void check_quantized_results(const tflite::Operator& op, const std::vector<int>& outputs,
                               size_t first_new_tensor) const {
    const std::vector<int> operands = operand_indices(op);
    if (std::none_of(operands.begin(), operands.end(),
                     [&](int t) { return !quant_params(file_.tensor(t), t).empty(); }))
      return;
    for (int t : outputs) {
      const tflite::Tensor& source = file_.tensor(t);
      const QuantParams stored = quant_params(source, t);
      auto it = values_.find(keys_[t]);
      if (stored.empty() || it == values_.end()) continue;
      const Tensor& result = graph_.tensor(it->second);
      if (result.dtype != dtype_from_tflite(source.type(), "output '" + keys_[t] + "'") ||
          result.quant.scales != stored.scales || result.quant.zero_points != stored.zero_points)
        fail(ErrorKind::Unsupported, operator_text(op) + ": output '" + keys_[t] + "' is " +
                                         typed_quant(tflite_type_name(source.type()), stored) +
                                         " in the file, but octet gives " +
                                         typed_quant(dtype_name(result.dtype), result.quant));
    }
    for (size_t id = first_new_tensor; id < graph_.tensors.size(); ++id) {
      const Tensor& t = graph_.tensors[id];
      const bool integer = t.dtype == DType::Int8 || t.dtype == DType::UInt8 || t.dtype == DType::Int16;
      if (integer && !t.is_constant() && t.quant.empty())
        fail(ErrorKind::Unsupported, operator_text(op) + ": octet's mapping leaves its " + dtype_name(t.dtype) +
                                         " tensor '" + t.name + "' without quantization parameters");
    }
  }

  // The file records every tensor's shape: a disagreement with what octet
  // inferred means an op mapping or the file is wrong, and the conversion
  // would go wrong silently. Skipped when --input-shape changed the shapes.
  void check_output_shapes(const tflite::Operator& op, const std::vector<int>& outputs) const {
    if (!options_.input_shapes.empty()) return;
    for (int t : outputs) {
      auto it = values_.find(keys_[t]);
      const tflite::Tensor& source = file_.tensor(t);
      if (it == values_.end() || !has_static_shape(source)) continue;
      const Shape& inferred = graph_.tensor(it->second).shape;
      if (inferred != tensor_shape(source))
        fail(ErrorKind::BadShape, operator_text(op) + ": output '" + keys_[t] + "' has shape " +
                                      shape_string(tensor_shape(source)) + " in the file, but octet infers " +
                                      shape_string(inferred));
    }
  }

  // Stored shapes are trustworthy unless the signature marks a dimension other
  // than the batch as dynamic, or an empty shape may mean "unknown rank".
  static bool has_static_shape(const tflite::Tensor& tensor) {
    if (!tensor.shape() || (tensor.shape()->size() == 0 && !tensor.has_rank())) return false;
    const auto* signature = tensor.shape_signature();
    for (size_t d = 1; signature && d < signature->size(); ++d)
      if (signature->Get(d) < 0) return false;
    return true;
  }
};

}  // namespace

Graph import_tflite(const std::string& path, const ImportOptions& options) {
  try {
    TfliteFile file(path);
    return TfliteGraphImporter(file, options).import();
  } catch (const Error& e) {
    throw Error(e.kind(), path + ": " + e.what());
  }
}

// ---- TfliteOpImporter ------------------------------------------------------

TfliteOpImporter::TfliteOpImporter(Graph& graph, std::unordered_map<std::string, int>& values,
                                   const tflite::Operator& op, tflite::BuiltinOperator code, int version,
                                   std::vector<int> input_ids, std::vector<std::string> output_names,
                                   std::string node_name, std::vector<const tflite::Tensor*> output_sources)
    : NodeBuilder(graph, values, std::move(node_name),
                  std::string(tflite::EnumNameBuiltinOperator(code)) + " v" + std::to_string(version),
                  std::move(output_names)),
      op_(op),
      code_(code),
      version_(version),
      inputs_(std::move(input_ids)),
      output_sources_(std::move(output_sources)) {}

int TfliteOpImporter::input(size_t i) const {
  if (!has_input(i)) unsupported("input " + std::to_string(i) + " is missing");
  return inputs_[i];
}

const tflite::Tensor& TfliteOpImporter::output_source(size_t i) const {
  if (i >= output_sources_.size() || !output_sources_[i]) unsupported("output " + std::to_string(i) + " is missing");
  return *output_sources_[i];
}

std::vector<int64_t> TfliteOpImporter::constant_ints(size_t i) const {
  if (!input_is_constant(i)) unsupported("input " + std::to_string(i) + " must be constant");
  return octet::constant_ints(input_tensor(i));
}

std::vector<float> TfliteOpImporter::constant_floats(size_t i) const {
  if (!input_is_constant(i)) unsupported("input " + std::to_string(i) + " must be constant");
  const Tensor& constant = input_tensor(i);
  return constant.quant.empty() ? octet::constant_floats(constant) : dequantized_values(constant);
}

QuantParams TfliteOpImporter::output_quant(size_t i) const {
  return i < output_sources_.size() && output_sources_[i] ? quant_params(*output_sources_[i], -1) : QuantParams{};
}

void TfliteOpImporter::set_activation(Attributes& attrs, tflite::ActivationFunctionType fused) const {
  Activation activation = Activation::None;
  switch (fused) {
    case tflite::ActivationFunctionType_NONE: return;
    case tflite::ActivationFunctionType_RELU: activation = Activation::Relu; break;
    case tflite::ActivationFunctionType_RELU6: activation = Activation::Relu6; break;
    case tflite::ActivationFunctionType_RELU_N1_TO_1: activation = Activation::ReluN1To1; break;
    default:
      unsupported(std::string("fused activation ") + tflite::EnumNameActivationFunctionType(fused) +
                  " is not supported");
  }
  attrs.set("activation", std::string(activation_name(activation)));
}

}  // namespace octet
