// The preprocessing flags that every command reading images shares.
#pragma once
#include <CLI/CLI.hpp>

#include "io/preprocess.h"

namespace octet::cli {

inline void add_preprocess_flags(CLI::App& app, PreprocessFlags& flags) {
  const char* group = "Preprocessing (applied to image inputs)";
  app.add_option("--resize", flags.resize, "Resize: N (short side, aspect kept) or HxW")->group(group);
  app.add_option("--crop", flags.crop, "Center crop: N or HxW (default: the model input's size)")->group(group);
  app.add_option("--mean", flags.mean, "A[,B,C]: subtracted from 0..255 pixel values (default 0)")->group(group);
  app.add_option("--std", flags.std, "A[,B,C]: divides after the mean (default 1)")->group(group);
  app.add_option("--color", flags.color, "rgb|bgr|gray (default: from the input's channel count)")->group(group);
  app.add_option("--layout", flags.layout, "nhwc|nchw (default: what the model input expects)")->group(group);
}

// Repeated --input-shape NAME:D0,D1,... into ImportOptions::input_shapes.
void add_input_shape_option(CLI::App& app, std::vector<std::string>& specs);
std::map<std::string, Shape> parse_input_shapes(const std::vector<std::string>& specs);

}  // namespace octet::cli
