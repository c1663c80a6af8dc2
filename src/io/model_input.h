// One file -> the value of one model input: a .npy tensor as stored, or an
// image through a preprocessing recipe. `octet run`, calibration and
// evaluation all feed inputs this way.
#pragma once
#include <string>

#include "graph/tensor.h"
#include "io/preprocess.h"

namespace octet {

// True for a path ending in .npy (any case).
bool is_npy_file(const std::string& path);

// Loads `path` (by extension: .npy, else an image) for the model input
// `input`. The value must have exactly the input's shape and dtype; a file
// that cannot be read or decoded, or does not fit, is Error(BadInput) naming
// it. Bad recipe settings stay Error(Usage).
Tensor load_model_input(const std::string& path, const Tensor& input, const Preprocess& recipe);

}  // namespace octet
