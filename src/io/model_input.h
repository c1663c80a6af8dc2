// One file -> the value of one model input: a .npy tensor as stored, or an
// image through a preprocessing recipe. `octet run`, calibration and
// evaluation all feed inputs this way.
#pragma once
#include <cstdint>
#include <string>

#include "graph/error.h"
#include "graph/tensor.h"
#include "io/preprocess.h"
#include "io/progress.h"

namespace octet {

// True for a path ending in .npy (any case).
bool is_npy_file(const std::string& path);

// Loads `path` (by extension: .npy, else an image) for the model input
// `input`. The value must have exactly the input's shape and dtype; a file
// that cannot be read or decoded, or does not fit, is Error(BadInput) naming
// it. Bad recipe settings stay Error(Usage).
// For an int8 or uint8 input an image is preprocessed to float as usual, then
// quantized with the input's own scale and zero point (quantize_image below),
// as TFLite users feed integer models; a .npy must already hold the integers.
Tensor load_model_input(const std::string& path, const Tensor& input, const Preprocess& recipe);

// A preprocessed float image quantized for the int8 / uint8 `input`:
// q = clamp(round(x / scale) + zero_point), rounding half away from zero, as
// TFLite's QUANTIZE. An input without one scale and zero point is
// Error(Unsupported) naming it.
Tensor quantize_image(const Tensor& image, const Tensor& input);

// The unusable files a long loop over inputs (calibration, evaluation) skips:
// each is counted; the first kNamed are named in a warning, later ones at
// debug level only, so that a wrong folder does not print a line per file.
class SkippedInputs {
 public:
  static constexpr int64_t kNamed = 20;
  // `what` names one input in messages: "image", "calibration sample".
  explicit SkippedInputs(std::string what) : what_(std::move(what)) {}
  // Counts `error` (Error(BadInput) naming the file) and reports it, first
  // erasing `progress`'s bar (may be null) so the warning gets its own line.
  void add(const Error& error, Progress* progress);
  int64_t count() const { return count_; }

 private:
  std::string what_;
  int64_t count_ = 0;
};

}  // namespace octet
