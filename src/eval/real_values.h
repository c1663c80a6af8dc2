// The real values a model output stands for, as float32: what top-k and SQNR
// compare, and what `octet run --dequantize` writes.
#pragma once
#include <string>
#include <vector>

#include "runtime/kernel.h"

namespace octet::eval {

// float32 as is; a quantized integer output (int8, uint8, int16 with a
// per-tensor scale and zero point) dequantized as TFLite's DEQUANTIZE does,
// scale * (q - zero_point); float16 widened; any other integer or bool
// output (class ids, counts) converted value by value.
// A per-axis quantized output is Error(Unsupported) naming `name`.
std::vector<float> real_values(const TensorView& value, const std::string& name);

}  // namespace octet::eval
