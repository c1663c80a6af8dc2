// ONNX TensorProto <-> IR tensor. float16 and double are widened or narrowed
// to float32 (the float engine's type); external data is read relative to
// `base_dir`, the model file's folder.
#pragma once
#include <string>

#include "graph/tensor.h"

namespace onnx { class TensorProto; }

namespace octet {

Tensor tensor_from_onnx(const onnx::TensorProto& proto, const std::string& base_dir);
// The IR dtype for an ONNX element type; throws Unsupported naming `what`.
DType dtype_from_onnx(int onnx_type, const std::string& what);
// Reads a serialized TensorProto file (the .pb files of ONNX's test data).
Tensor read_onnx_tensor_file(const std::string& path);

float half_to_float(uint16_t h);

}  // namespace octet
