#include "io/preprocess.h"

#include <cmath>
#include <memory>

#include "graph/error.h"
#include "io/pil_resize.h"

namespace octet {
namespace {

void check_recipe(const Preprocess& recipe) {
  if (recipe.resize_short && recipe.resize_hw)
    fail(ErrorKind::Usage, "preprocessing: give one resize (short side or HxW), not both");
  const size_t channels = recipe.channels();
  for (const auto* values : {&recipe.mean, &recipe.std}) {
    const char* flag = values == &recipe.mean ? "--mean" : "--std";
    if (values->size() != 1 && values->size() != channels)
      fail(ErrorKind::Usage, std::string(flag) + ": " + std::to_string(values->size()) +
                                 " values for an image of " + std::to_string(channels) +
                                 " channel(s); give 1 or " + std::to_string(channels));
  }
  for (float s : recipe.std)
    if (s == 0.0f || !std::isfinite(s)) fail(ErrorKind::Usage, "--std: values must be non-zero");
}

float per_channel(const std::vector<float>& values, int c) {
  return values.size() == 1 ? values[0] : values[c];
}

// Normalizes and lays out the final 8-bit image.
Tensor to_tensor(const Image& image, const Preprocess& recipe) {
  const int h = image.height, w = image.width, channels = image.channels;
  Tensor tensor;
  tensor.dtype = DType::Float32;
  tensor.shape = recipe.layout == Preprocess::NCHW ? Shape{1, channels, h, w}
                                                   : Shape{1, h, w, channels};
  auto bytes = std::make_shared<Bytes>(tensor.byte_size());
  float* out = reinterpret_cast<float*>(bytes->data());
  for (int c = 0; c < channels; ++c) {
    // Output channel c is BGR's c-th, i.e. RGB's (2 - c).
    const int source = recipe.color == Preprocess::BGR ? 2 - c : c;
    const float mean = per_channel(recipe.mean, c), std = per_channel(recipe.std, c);
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        const size_t at = recipe.layout == Preprocess::NCHW
                              ? (static_cast<size_t>(c) * h + y) * w + x
                              : (static_cast<size_t>(y) * w + x) * channels + c;
        out[at] = (static_cast<float>(image.at(y, x, source)) - mean) / std;
      }
    }
  }
  tensor.data = std::move(bytes);
  return tensor;
}

// One axis of torchvision's CenterCrop: where the crop starts in the image
// (negative when the crop is larger: the image is padded with zeros, the
// smaller half of the padding before it).
int crop_start(int size, int crop) {
  if (crop > size) return -((crop - size) / 2);
  // (size - crop) / 2.0 is a whole or a half number; Python's round() takes
  // halves to even, as nearbyint does in the default rounding mode.
  return static_cast<int>(std::nearbyint((size - crop) / 2.0));
}

}  // namespace

Image resize_short_side(const Image& image, int n) {
  const bool wide = image.width > image.height;
  const int64_t short_side = wide ? image.height : image.width;
  const int64_t long_side = wide ? image.width : image.height;
  // Python's int(n * long / short): an exact product, one rounded division,
  // then truncation.
  const int new_long = static_cast<int>(static_cast<double>(n * long_side) / short_side);
  return wide ? resize_bilinear_pil(image, n, new_long) : resize_bilinear_pil(image, new_long, n);
}

Image center_crop(const Image& image, int crop_h, int crop_w) {
  if (crop_h <= 0 || crop_w <= 0)
    fail(ErrorKind::Usage, "--crop: sizes must be positive");
  const int top = crop_start(image.height, crop_h), left = crop_start(image.width, crop_w);
  Image out(crop_h, crop_w, image.channels);  // zero-filled
  for (int y = 0; y < crop_h; ++y) {
    const int sy = y + top;
    if (sy < 0 || sy >= image.height) continue;
    for (int x = 0; x < crop_w; ++x) {
      const int sx = x + left;
      if (sx < 0 || sx >= image.width) continue;
      for (int c = 0; c < image.channels; ++c) out.at(y, x, c) = image.at(sy, sx, c);
    }
  }
  return out;
}

Tensor preprocess_image(const Image& image, const Preprocess& recipe) {
  check_recipe(recipe);
  Image current = recipe.color == Preprocess::Gray ? to_gray(image) : to_rgb(image);
  if (recipe.resize_short) current = resize_short_side(current, *recipe.resize_short);
  if (recipe.resize_hw)
    current = resize_bilinear_pil(current, recipe.resize_hw->first, recipe.resize_hw->second);
  if (recipe.crop_hw) current = center_crop(current, recipe.crop_hw->first, recipe.crop_hw->second);
  return to_tensor(current, recipe);
}

Tensor load_image_tensor(const std::string& path, const Preprocess& recipe) {
  return preprocess_image(decode_image(path, recipe.channels()), recipe);
}

}  // namespace octet
