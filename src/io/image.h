// Decoded 8-bit images, and the two color conversions preprocessing needs.
//
// JPEG, PNG and BMP are decoded with stb_image, or JPEG with libjpeg-turbo
// when the build has it (io/jpeg_decoder.h: then JPEG pixels are bit-exact
// with Pillow's; stb's differ by up to 3 levels). Alpha is dropped (as Pillow's
// convert("RGB") / convert("L") do); 16-bit PNGs keep their high byte.
// Conversions follow Pillow, so that a model sees what the preprocessing in
// shared/models/MODELS.md (Pillow 9.4) gave it:
//   RGB -> gray: Pillow's "L", ITU-R 601-2 luma in 16-bit fixed point,
//                (19595 R + 38470 G + 7471 B + 2^15) >> 16;
//   gray -> RGB: the gray value in all three channels.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace octet {

struct Image {
  int height = 0;
  int width = 0;
  int channels = 0;             // 1 (gray) or 3 (RGB)
  std::vector<uint8_t> pixels;  // height x width x channels, row-major

  Image() = default;
  Image(int h, int w, int c) : height(h), width(w), channels(c), pixels(size_t(h) * w * c) {}
  uint8_t& at(int y, int x, int c) { return pixels[(size_t(y) * width + x) * channels + c]; }
  uint8_t at(int y, int x, int c) const { return pixels[(size_t(y) * width + x) * channels + c]; }
};

// Decodes a JPEG, PNG or BMP file. `channels` 0 keeps the file's kind (gray
// files give 1 channel, color files 3); 1 or 3 converts as above.
// An unreadable or corrupt file is Error(BadInput) naming it and stb's reason.
Image decode_image(const std::string& path, int channels = 0);

// The same for a file already in memory; `origin` names it in errors.
Image decode_image(const uint8_t* data, size_t size, const std::string& origin,
                   int channels = 0);

Image to_gray(const Image& image);  // Pillow convert("L"); a gray image is returned as is
Image to_rgb(const Image& image);   // Pillow convert("RGB"); an RGB image is returned as is

}  // namespace octet
