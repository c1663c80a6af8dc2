// `octet convert MODEL -o OUT.tflite --calib PATH ...`: the product. Imports a
// float model, runs the float passes, calibrates on real samples, quantizes
// to int8 and writes a fully-integer TFLite file (atomically: a failure
// leaves nothing behind).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "command.h"
#include "convert_report.h"
#include "graph/error.h"
#include "io/output_file.h"
#include "preprocess_options.h"

namespace octet::cli {
namespace {

struct ConvertOptions {
  std::string model, output, calib, report;
  int64_t calib_count = 0;
  uint64_t seed = 0;
  int threads = 0;  // 0: one per core
  std::string method = "minmax";
  std::vector<std::string> method_overrides;  // TENSOR=METHOD
  double percentile = 99.99;
  bool per_tensor = false, per_channel_fc = false, no_bias_correction = false;
  std::string io = "int8";
  PreprocessFlags preprocess;
  std::vector<std::string> input_shapes;
};

std::map<std::string, std::string> parse_overrides(const std::vector<std::string>& specs) {
  std::map<std::string, std::string> overrides;
  for (const std::string& spec : specs) {
    const size_t eq = spec.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      fail(ErrorKind::Usage, "--method-for '" + spec + "': expected TENSOR=METHOD");
    overrides[spec.substr(0, eq)] = spec.substr(eq + 1);
  }
  return overrides;
}

int count_ops(const Graph& g, OpKind op) {
  return static_cast<int>(std::count_if(g.nodes.begin(), g.nodes.end(), [&](const Node& n) { return n.op == op; }));
}

int convert(const ConvertOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  if (o.per_tensor && o.per_channel_fc) fail(ErrorKind::Usage, "--per-tensor and --per-channel-fc contradict each other");
  quant::ConvertSettings settings;
  settings.import.input_shapes = parse_input_shapes(o.input_shapes);
  settings.calib_path = o.calib;
  settings.subset = {o.calib_count, o.seed};
  settings.preprocess = o.preprocess;
  settings.calibration.method = o.method;
  settings.calibration.overrides = parse_overrides(o.method_overrides);
  settings.calibration.observer.percent = o.percentile;
  settings.calibration.threads = o.threads;
  settings.quant.per_tensor = o.per_tensor;
  settings.quant.all_per_channel = o.per_channel_fc;
  settings.quant.bias_correction = !o.no_bias_correction;
  settings.io = quant::parse_io_type(o.io);
  settings.description = std::string("octet ") + OCTET_VERSION + " int8 (" + o.method + ")";

  Progress progress(progress_options());
  const quant::Conversion c = quant::convert_model(o.model, settings, &progress);
  spdlog::info("calibrated on {} of {} samples ({} skipped) with {} on {} threads in {:.1f} s", c.calibration.used,
               c.calib_listed, c.calibration.skipped, o.method, c.calibration.threads, c.seconds.calibration);
  ConvertRecord record{o.model, o.output, &settings, &c, quantization_warnings(c.float_graph, c.quantized.plan)};
  for (const std::string& w : record.warnings) spdlog::warn("{}", w);

  write_file_atomically(o.output, c.tflite);
  record.total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("wrote {} ({} bytes, {} ops, {} TRANSPOSE) in {:.1f} s", o.output, c.tflite.size(),
               c.quantized.graph.nodes.size(), count_ops(c.quantized.graph, OpKind::Transpose), record.total_seconds);
  if (!o.report.empty()) {
    const std::string json = convert_report(record).dump(2) + "\n";
    write_file_atomically(o.report, Bytes(json.begin(), json.end()));
    spdlog::info("wrote {}", o.report);
  }
  return 0;
}

}  // namespace

Command make_convert_command(CLI::App& parent) {
  auto o = std::make_shared<ConvertOptions>();
  CLI::App* app = parent.add_subcommand("convert", "Calibrate a float model and write a fully-integer int8 TFLite file");
  app->add_option("MODEL", o->model, "Float ONNX or TFLite model")->required();
  app->add_option("-o,--output", o->output, "The int8 .tflite file to write")->required();
  app->add_option("--calib", o->calib,
                  "Calibration samples: an image folder (recursive; jpg/png/bmp), a list file (one path per "
                  "line), .npy tensors, or one subfolder per input for several inputs")
      ->required();
  app->add_option("--calib-count", o->calib_count, "Use N samples, chosen by a seeded shuffle (default: all)")
      ->check(CLI::NonNegativeNumber);
  app->add_option("--seed", o->seed, "Seed of the subset choice and order (default 0)");
  app->add_option("--threads", o->threads,
                  "Calibration threads (default: one per core): N copies of the float engine run samples at "
                  "once while N/2 more threads (at least one) decode the next images; the ranges are the same for any N, "
                  "bit for bit (ema, which depends on the order of samples, still sees them in the set's order)")
      ->check(CLI::PositiveNumber);
  app->add_option("--method", o->method,
                  "Activation range observer: minmax (TFLite's), ema, percentile, entropy (KL), mse. All are "
                  "single-pass: no image is read twice")
      ->check(CLI::IsMember(calib::observer_methods()));
  app->add_option("--method-for", o->method_overrides, "TENSOR=METHOD: another observer for one tensor (repeatable)");
  app->add_option("--percentile", o->percentile, "Percent of values the percentile method keeps (default 99.99)")
      ->check(CLI::Range(50.0, 100.0));
  app->add_flag("--per-tensor", o->per_tensor, "One weight scale per tensor everywhere (default: per channel for "
                                                "CONV_2D and DEPTHWISE_CONV_2D)");
  app->add_flag("--per-channel-fc", o->per_channel_fc,
                "Per-channel weights for FULLY_CONNECTED too (some runtimes, e.g. Arm NN 20.08, reject them)");
  app->add_flag("--no-bias-correction", o->no_bias_correction,
                "Keep each layer's float bias as it is (default: corrected for the error its int8 weights make on "
                "average, from the input means seen in calibration)");
  app->add_option("--io", o->io, "Type of the model's inputs and outputs: int8 (default), uint8 or float")
      ->check(CLI::IsMember({"int8", "uint8", "float"}));
  app->add_option("--report", o->report, "Write a JSON report: sizes, op counts, every tensor's range and "
                                         "parameters, warnings, timings");
  add_preprocess_flags(*app, o->preprocess);
  add_input_shape_option(*app, o->input_shapes);
  return {app, [o] { return convert(*o); }};
}

}  // namespace octet::cli
