// Converters put a DEQUANTIZE in front of weights they store as float16 or as
// int8/uint8/int16 ("weight-only" quantization). For a float importer these are
// just float weights: the importer folds such operators into float32 constants
// instead of importing DEQUANTIZE as an op.
#pragma once
#include <string>
#include <vector>

#include "graph/tensor.h"
#include "import/tflite_file.h"

namespace octet {

// True for a DEQUANTIZE whose input is a float16, int8, uint8 or int16 constant.
bool is_foldable_dequantize(const TfliteFile& file, const tflite::Operator& op);

// The float32 value of such an operator's output, as a constant named `name`:
// float16 is widened; integers become (q - zero_point) * scale, per tensor or
// per channel. Error(BadFile) when the data or scales do not fit the shape.
Tensor fold_dequantize(const TfliteFile& file, const tflite::Operator& op, const std::string& name);

// The real values (q - zero_point) * scale of a quantized int8 / uint8 / int16
// constant, per tensor or along its quantized axis. Error(BadFile) when the
// scales do not fit the shape.
std::vector<float> dequantized_values(const Tensor& constant);

}  // namespace octet
