// Arm NN as a second independent truth for octet's int8 files: a .tflite read
// by Arm NN's own TFLite parser (armnnTfLiteParser) and run on its CpuRef
// backend (reference kernels), in process. Debian 12's Arm NN is 20.08
// (libarmnn-dev, libarmnntfliteparser-dev, libarmnn-cpuref-backend22;
// scripts/setup.sh installs them).
#pragma once
#include <string>
#include <vector>

#include "graph/tensor.h"

namespace octet::armnn_ref {

// One input set: a tensor with data per model input, in the model's input order.
using TensorSet = std::vector<Tensor>;

// Runs `model` (a whole .tflite file) on every input set; returns each set's
// outputs in the model's output order, in the output's own dtype with Arm NN's
// view of its quantization. Each input must have its model input's dtype and
// element count (else Error(Usage)). A model Arm NN cannot parse, optimize for
// CpuRef or run is Error(BadFile) carrying Arm NN's message.
std::vector<TensorSet> run_tflite(const Bytes& model, const std::vector<TensorSet>& input_sets);
// The same for a .tflite file on disk.
std::vector<TensorSet> run_tflite_file(const std::string& model_path, const std::vector<TensorSet>& input_sets);

// Why Arm NN 20.08 cannot be compared with octet on this file, or "" when it
// can. Known limits and defects of that release, none of them the file's fault
// (each is valid TFLite that the TFLite interpreter runs):
//  - an operator its TFLite parser lacks (LOG_SOFTMAX, PADV2, GATHER, ...);
//  - an optional input left out (index -1, e.g. FULLY_CONNECTED without bias):
//    the parser rejects negative tensor indices;
//  - a quantized PAD whose zero point is not 0: Arm NN pads with the stored
//    value 0 instead of the zero point, so the padded border is wrong (it
//    folds a PAD into a following CONV_2D and then pads right, but this
//    check does not look at what follows: it may skip a file needlessly);
//  - FULLY_CONNECTED with per-channel weights: Arm NN aborts the process (an
//    assertion, not an exception), so the file must not be run at all.
std::string known_incompatibility(const std::string& model_path);

}  // namespace octet::armnn_ref
