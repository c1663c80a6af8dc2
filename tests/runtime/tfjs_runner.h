// The real TFLite interpreter as an independent truth for octet's tests: runs
// a TFLite flatbuffer in the WebAssembly build of TFLite that npm
// @tensorflow/tfjs-tflite ships, through tests/runtime/tfjs_run.mjs under
// Node (scripts/setup.sh installs both), and reads the outputs back.
#pragma once
#include <string>
#include <vector>

#include "graph/tensor.h"
#include "runtime/kernel.h"

namespace octet::tfjs {

// One input set: a tensor with data per model input, in the model's input order.
using TensorSet = std::vector<Tensor>;

// Runs `model` (a whole .tflite file) on every input set in one interpreter
// process; returns each set's outputs in the model's output order, in the
// output's own dtype. Each input must have its model input's dtype and shape.
// A failure of Node or of the interpreter is Error(BadFile) carrying the
// script's one-line message.
std::vector<TensorSet> run_tflite(const Bytes& model, const std::vector<TensorSet>& input_sets);
// The same for a .tflite file on disk.
std::vector<TensorSet> run_tflite_file(const std::string& model_path, const std::vector<TensorSet>& input_sets);

// A view of a tensor with data, to compare it with an Engine output.
TensorView view_of(const Tensor& tensor);

}  // namespace octet::tfjs
