// The whole conversion, float model file to int8 TFLite bytes:
//   import -> float passes -> calibrate -> quantize -> write
// `octet convert` runs it and writes the bytes; tests and benchmarks run it
// in-process.
#pragma once
#include <string>

#include "calib/calibrate.h"
#include "calib/calibration_set.h"
#include "import/import_options.h"
#include "io/preprocess.h"
#include "io/progress.h"
#include "quant/quantize_graph.h"

namespace octet::quant {

struct ConvertSettings {
  ImportOptions import;
  std::string calib_path;              // folder, list file, or one file (calib/calibration_set.h)
  calib::CalibrationSetOptions subset;  // --calib-count, --seed
  PreprocessFlags preprocess;           // for image samples
  calib::CalibrationOptions calibration;
  QuantOptions quant;
  IoType io = IoType::Int8;
  std::string description;  // Model.description of the file
};

struct ConvertTimings {
  double import = 0, passes = 0, calibration = 0, quantize = 0, write = 0;  // seconds
};

struct Conversion {
  Graph float_graph;  // after the float passes; the plan's tensor ids refer to it
  size_t calib_listed = 0;
  calib::CalibrationResult calibration;
  QuantizedModel quantized;
  Bytes tflite;
  ConvertTimings seconds;
};

// Errors as each stage reports them (bad model file, no usable samples, ops
// without int8 kernels, ...). `progress` (may be null) follows calibration.
Conversion convert_model(const std::string& model_path, const ConvertSettings& settings, Progress* progress);

}  // namespace octet::quant
