// Image -> model input tensor, the way torchvision + Pillow prepare images:
//   color conversion (Pillow convert("RGB") / convert("L"), on decoding)
//   -> resize (torchvision Resize: Pillow bilinear) -> center crop
//   (torchvision CenterCrop) -> channel order -> (x - mean[c]) / std[c] on
//   0..255 values -> float32 [1,H,W,C] or [1,C,H,W].
// shared/models/MODELS.md gives each model's recipe in these terms.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "graph/tensor.h"
#include "io/image.h"

namespace octet {

struct Preprocess {
  // At most one of the two resizes. resize_short scales the short side to N
  // and the long side to int(N * long / short), as torchvision Resize(N).
  std::optional<int> resize_short;
  std::optional<std::pair<int, int>> resize_hw;  // exact (height, width)
  std::optional<std::pair<int, int>> crop_hw;    // center crop (height, width)
  std::vector<float> mean{0}, std{1};            // 1 value, or one per channel (in output order)
  enum Color { RGB, BGR, Gray } color = RGB;
  enum Layout { NHWC, NCHW } layout = NHWC;

  int channels() const { return color == Gray ? 1 : 3; }
};

// Runs the whole recipe on a decoded image (gray or RGB; converted to the
// recipe's color first). Bad settings (two resizes, wrong mean/std counts,
// zero std) are Error(Usage).
Tensor preprocess_image(Image image, const Preprocess& recipe);

// Decodes `path` and runs the recipe on it.
Tensor load_image_tensor(const std::string& path, const Preprocess& recipe);

// The steps, for callers that want them alone.
// torchvision Resize(n) on a PIL image: short side n, aspect ratio kept.
Image resize_short_side(Image image, int n);
// torchvision CenterCrop: top = int(round((h - crop_h) / 2.0)) with Python's
// round-half-to-even, left likewise; a crop larger than the image pads with 0.
Image center_crop(const Image& image, int crop_h, int crop_w);

// Command-line settings, as the user typed them; an empty string means the
// flag was not given.
struct PreprocessFlags {
  std::string resize;  // "N" (short side) or "HxW"
  std::string crop;    // "N" (square) or "HxW"
  std::string mean;    // "A" or "A,B,C"
  std::string std;     // "A" or "A,B,C"
  std::string color;   // rgb | bgr | gray
  std::string layout;  // nhwc | nchw
};

// The recipe a model input of `input_shape` ([N,C,H,W] or [N,H,W,C]) suggests
// when the user says nothing: layout from where a dim of 1 or 3 sits (position
// 1 -> NCHW, position 3 -> NHWC), gray for 1 channel and RGB for 3, a center
// crop to the input's H x W, mean 0, std 1. Error(Usage) when the shape is not
// rank 4 or the layout cannot be told.
Preprocess default_for_input(const Shape& input_shape);

// The user's flags over the defaults for `input_shape` (an empty shape means
// unknown: no defaults are guessed). Bad values are Error(Usage) naming the
// flag; so are settings that cannot fit the input (e.g. gray for 3 channels).
Preprocess parse_preprocess(const PreprocessFlags& flags, const Shape& input_shape);

}  // namespace octet
