#include "io/preprocess.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <utility>

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
  // Output channel c is BGR's c-th, i.e. RGB's (2 - c). A pixel has 256
  // values, so each channel's (x - mean) / std is a table: the same floats
  // as computing it per pixel, without a division per value.
  int source[3];
  float value[3][256];
  for (int c = 0; c < channels; ++c) {
    source[c] = recipe.color == Preprocess::BGR ? 2 - c : c;
    const float mean = per_channel(recipe.mean, c), deviation = per_channel(recipe.std, c);
    for (int x = 0; x < 256; ++x) value[c][x] = (static_cast<float>(x) - mean) / deviation;
  }
  const size_t pixels = static_cast<size_t>(h) * w;
  const uint8_t* in = image.pixels.data();
  // Each layout's loop writes its output in order.
  if (recipe.layout == Preprocess::NCHW) {
    for (int c = 0; c < channels; ++c)
      for (size_t p = 0; p < pixels; ++p) out[c * pixels + p] = value[c][in[p * channels + source[c]]];
  } else if (channels == 3) {  // colour images, the common case: no inner loop
    const int r = source[0], g = source[1], b = source[2];
    for (size_t p = 0; p < pixels; ++p, in += 3, out += 3) {
      out[0] = value[0][in[r]];
      out[1] = value[1][in[g]];
      out[2] = value[2][in[b]];
    }
  } else {
    for (size_t p = 0; p < pixels; ++p)
      for (int c = 0; c < channels; ++c) out[p * channels + c] = value[c][in[p * channels + source[c]]];
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

Image resize_short_side(Image image, int n) {
  const bool wide = image.width > image.height;
  const int64_t short_side = wide ? image.height : image.width;
  const int64_t long_side = wide ? image.width : image.height;
  // Python's int(n * long / short): an exact product, one rounded division,
  // then truncation.
  const int new_long = static_cast<int>(static_cast<double>(n * long_side) / short_side);
  const int out_h = wide ? n : new_long, out_w = wide ? new_long : n;
  return resize_bilinear_pil(std::move(image), out_h, out_w);
}

Image center_crop(const Image& image, int crop_h, int crop_w) {
  if (crop_h <= 0 || crop_w <= 0)
    fail(ErrorKind::Usage, "--crop: sizes must be positive");
  const int top = crop_start(image.height, crop_h), left = crop_start(image.width, crop_w);
  Image out(crop_h, crop_w, image.channels);  // zero-filled
  // The columns that lie inside the image, copied a row at a time.
  const int x0 = std::max(0, -left), x1 = std::min(crop_w, image.width - left);
  if (x1 <= x0) return out;
  const size_t row_bytes = static_cast<size_t>(x1 - x0) * image.channels;
  for (int y = 0; y < crop_h; ++y) {
    const int sy = y + top;
    if (sy < 0 || sy >= image.height) continue;
    std::memcpy(out.pixels.data() + (static_cast<size_t>(y) * crop_w + x0) * image.channels,
                image.pixels.data() + (static_cast<size_t>(sy) * image.width + x0 + left) * image.channels, row_bytes);
  }
  return out;
}

Tensor preprocess_image(Image image, const Preprocess& recipe) {
  check_recipe(recipe);
  if (image.channels != recipe.channels())
    image = recipe.color == Preprocess::Gray ? to_gray(image) : to_rgb(image);
  if (recipe.resize_short) image = resize_short_side(std::move(image), *recipe.resize_short);
  if (recipe.resize_hw)
    image = resize_bilinear_pil(std::move(image), recipe.resize_hw->first, recipe.resize_hw->second);
  if (recipe.crop_hw) image = center_crop(image, recipe.crop_hw->first, recipe.crop_hw->second);
  return to_tensor(image, recipe);
}

Tensor load_image_tensor(const std::string& path, const Preprocess& recipe) {
  return preprocess_image(decode_image(path, recipe.channels()), recipe);
}

}  // namespace octet
