// The command-line side of preprocessing: flag strings and model input shapes
// -> Preprocess.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "graph/error.h"
#include "io/preprocess.h"

namespace octet {
namespace {

[[noreturn]] void bad_flag(const char* flag, const std::string& value, const std::string& want) {
  fail(ErrorKind::Usage, std::string(flag) + ": expected " + want + ", got '" + value + "'");
}

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// A whole positive decimal integer, or nothing.
std::optional<int> positive_int(const std::string& text) {
  if (text.empty() || text.size() > 9 ||
      !std::all_of(text.begin(), text.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); }))
    return std::nullopt;
  int value = std::stoi(text);
  if (value <= 0) return std::nullopt;
  return value;
}

// "HxW" -> (H, W), or nothing.
std::optional<std::pair<int, int>> size_pair(const std::string& text) {
  size_t x = text.find_first_of("xX");
  if (x == std::string::npos) return std::nullopt;
  auto h = positive_int(text.substr(0, x)), w = positive_int(text.substr(x + 1));
  if (!h || !w) return std::nullopt;
  return std::make_pair(*h, *w);
}

std::vector<float> float_list(const char* flag, const std::string& text) {
  std::vector<float> values;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    char* end = nullptr;
    errno = 0;
    float value = std::strtof(item.c_str(), &end);
    if (item.empty() || *end != '\0' || errno != 0 || !std::isfinite(value))
      bad_flag(flag, text, "A or A,B,C (numbers)");
    values.push_back(value);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (values.size() != 1 && values.size() != 3) bad_flag(flag, text, "1 or 3 numbers");
  return values;
}

Preprocess::Layout parse_layout(const std::string& text) {
  std::string s = lower(text);
  if (s == "nhwc") return Preprocess::NHWC;
  if (s == "nchw") return Preprocess::NCHW;
  bad_flag("--layout", text, "nhwc or nchw");
}

Preprocess::Color parse_color(const std::string& text) {
  std::string s = lower(text);
  if (s == "rgb") return Preprocess::RGB;
  if (s == "bgr") return Preprocess::BGR;
  if (s == "gray" || s == "grey") return Preprocess::Gray;
  bad_flag("--color", text, "rgb, bgr or gray");
}

bool is_channel_count(int64_t dim) { return dim == 1 || dim == 3; }

Preprocess::Layout guess_layout(const Shape& shape) {
  const bool first = is_channel_count(shape[1]), last = is_channel_count(shape[3]);
  if (first != last) return first ? Preprocess::NCHW : Preprocess::NHWC;
  fail(ErrorKind::Usage, "cannot tell the layout of input " + shape_string(shape) +
                             ": give --layout nhwc or nchw");
}

// Channel, height and width dims of a rank-4 shape in `layout`.
struct ImageDims { int64_t c, h, w; };
ImageDims image_dims(const Shape& shape, Preprocess::Layout layout) {
  if (layout == Preprocess::NCHW) return {shape[1], shape[2], shape[3]};
  return {shape[3], shape[1], shape[2]};
}

// Defaults for a rank-4 input whose layout is known.
Preprocess defaults_for(const Shape& shape, Preprocess::Layout layout) {
  Preprocess recipe;
  recipe.layout = layout;
  ImageDims dims = image_dims(shape, layout);
  recipe.color = dims.c == 1 ? Preprocess::Gray : Preprocess::RGB;
  if (dims.h > 0 && dims.w > 0)
    recipe.crop_hw = std::make_pair(static_cast<int>(dims.h), static_cast<int>(dims.w));
  return recipe;
}

void check_rank4(const Shape& shape) {
  if (shape.size() != 4)
    fail(ErrorKind::Usage, "input " + shape_string(shape) +
                               " is not an image batch (rank 4): images cannot feed it");
}

}  // namespace

Preprocess default_for_input(const Shape& input_shape) {
  check_rank4(input_shape);
  return defaults_for(input_shape, guess_layout(input_shape));
}

Preprocess parse_preprocess(const PreprocessFlags& flags, const Shape& input_shape) {
  Preprocess recipe;
  if (!input_shape.empty()) {
    check_rank4(input_shape);
    auto layout = flags.layout.empty() ? guess_layout(input_shape) : parse_layout(flags.layout);
    recipe = defaults_for(input_shape, layout);
  } else if (!flags.layout.empty()) {
    recipe.layout = parse_layout(flags.layout);
  }
  if (!flags.resize.empty()) {
    if (auto n = positive_int(flags.resize)) recipe.resize_short = *n;
    else if (auto hw = size_pair(flags.resize)) recipe.resize_hw = *hw;
    else bad_flag("--resize", flags.resize, "N (short side) or HxW (positive integers)");
  }
  if (!flags.crop.empty()) {
    if (auto n = positive_int(flags.crop)) recipe.crop_hw = std::make_pair(*n, *n);
    else if (auto hw = size_pair(flags.crop)) recipe.crop_hw = *hw;
    else bad_flag("--crop", flags.crop, "N or HxW (positive integers)");
  }
  if (!flags.color.empty()) recipe.color = parse_color(flags.color);
  if (!flags.mean.empty()) recipe.mean = float_list("--mean", flags.mean);
  if (!flags.std.empty()) recipe.std = float_list("--std", flags.std);
  for (float s : recipe.std)
    if (s == 0.0f) bad_flag("--std", flags.std, "non-zero numbers");

  const int channels = recipe.channels();
  if (!input_shape.empty()) {
    int64_t wanted = image_dims(input_shape, recipe.layout).c;
    if (wanted > 0 && wanted != channels) {
      std::string input = "input " + shape_string(input_shape) + " has " + std::to_string(wanted) +
                          " channels";
      if (flags.color.empty())
        fail(ErrorKind::Usage, input + "; images give 1 (gray) or 3 (rgb, bgr): check --layout");
      fail(ErrorKind::Usage, "--color " + lower(flags.color) + " gives " +
                                 std::to_string(channels) + " channel(s), but " + input);
    }
  }
  if (recipe.mean.size() != 1 && static_cast<int>(recipe.mean.size()) != channels)
    bad_flag("--mean", flags.mean, "1 value for a gray image");
  if (recipe.std.size() != 1 && static_cast<int>(recipe.std.size()) != channels)
    bad_flag("--std", flags.std, "1 value for a gray image");
  return recipe;
}

}  // namespace octet
