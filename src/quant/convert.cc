#include "quant/convert.h"

#include <chrono>

#include "export/tflite_writer.h"
#include "import/load_model.h"
#include "passes/pipeline.h"
#include "quant/bias_correction.h"

namespace octet::quant {
namespace {

class Stopwatch {
 public:
  // Seconds since the last lap (or construction).
  double lap() {
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    return s;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace

Conversion convert_model(const std::string& model_path, const ConvertSettings& settings, Progress* progress) {
  Conversion c;
  Stopwatch step;
  Graph imported = load_model(model_path, settings.import);
  c.seconds.import = step.lap();
  c.float_graph = run_float_passes(std::move(imported));
  c.seconds.passes = step.lap();

  const Graph& graph = c.float_graph;
  std::vector<std::string> input_names;
  for (int t : graph.inputs) input_names.push_back(graph.tensor(t).name);
  const calib::CalibrationSet set = calib::open_calibration_set(settings.calib_path, input_names, settings.subset);
  c.calib_listed = set.listed;
  const Preprocess recipe = parse_preprocess(settings.preprocess, graph.tensor(graph.inputs.at(0)).shape);
  calib::CalibrationOptions calibration = settings.calibration;
  if (settings.quant.bias_correction) calibration.mean_tensors = bias_correction_inputs(graph);
  c.calibration = calib::calibrate(graph, set, recipe, calibration, progress);
  c.seconds.calibration = step.lap();

  c.quantized = quantize_graph(graph, c.calibration, settings.quant, settings.io);
  c.seconds.quantize = step.lap();
  c.tflite = write_tflite(c.quantized.graph, settings.description);
  c.seconds.write = step.lap();
  return c;
}

}  // namespace octet::quant
