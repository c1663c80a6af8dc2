// A TFLite file read into memory and verified, with the flatbuffer-level
// helpers that the importer and the summary share: buffer contents (inline or
// stored after the flatbuffer), operator codes and tensor types.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "graph/dtype.h"
#include "graph/tensor.h"
#include "tflite_generated.h"

namespace octet {

class TfliteFile {
 public:
  // Reads and verifies `path`; Error(BadFile) when it is not a TFLite model.
  // Messages do not repeat the path: callers add it.
  explicit TfliteFile(const std::string& path);

  const tflite::Model& model() const { return *tflite::GetModel(bytes_.data()); }
  size_t size() const { return bytes_.size(); }

  // The main graph; Error(BadFile) when the model has none.
  const tflite::SubGraph& main_subgraph() const;
  // Tensor `index` of the main graph; Error(BadFile) when out of range.
  const tflite::Tensor& tensor(int index) const;

  // The constant bytes behind a tensor, or {nullptr, 0} for a non-constant one.
  struct Span {
    const uint8_t* data = nullptr;
    size_t size = 0;
  };
  Span constant_data(const tflite::Tensor& tensor) const;
  bool is_constant(const tflite::Tensor& tensor) const { return constant_data(tensor).size > 0; }
  // Constant tensor `index` as an IR constant named `name`: dtype, shape,
  // quantization and a copy of the bytes. Error(BadFile) when the bytes do not
  // fit the shape, Error(Unsupported) for sparse data or types the IR lacks.
  Tensor constant(int index, const std::string& name) const;

 private:
  std::vector<uint8_t> bytes_;
};

// The operator's builtin code: the larger of the legacy byte and the new field,
// since old (TOCO) files only fill the legacy one. Error(BadFile) on a bad index.
tflite::BuiltinOperator builtin_code(const tflite::Model& model, const tflite::Operator& op);
int op_version(const tflite::Model& model, const tflite::Operator& op);
// "CONV_2D", or "CUSTOM(name)" for custom operators.
std::string tflite_op_name(const tflite::Model& model, const tflite::Operator& op);

// Lower-case type name ("float32", "int8", "complex64").
std::string tflite_type_name(tflite::TensorType type);
// The IR dtype; Error(Unsupported) naming `what` for types the IR lacks.
DType dtype_from_tflite(tflite::TensorType type, const std::string& what);

// A tensor's name, or "tensor <index>" for an unnamed one.
std::string tensor_name(const tflite::Tensor& tensor, int index);
// The stored shape (dynamic dimensions appear as 1 there; see shape_signature).
Shape tensor_shape(const tflite::Tensor& tensor);
// Scales and zero points; per-axis (axis = quantized_dimension) when there is
// more than one scale. Missing zero points are 0. Error(BadFile) when the
// counts disagree.
QuantParams quant_params(const tflite::Tensor& tensor, int index);

}  // namespace octet
