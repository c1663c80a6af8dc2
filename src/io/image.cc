#include "io/image.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>

#include "graph/error.h"
#include "io/jpeg_decoder.h"

// stb_image's implementation lives in this file only, with every function
// static, so it can never clash with another copy (Debian's libstb) in a link.
// Its own code is not ours to fix: its warnings are silenced here.
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_ONLY_BMP
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#include <stb_image.h>
#pragma GCC diagnostic pop

namespace octet {
namespace {

Image with_channels(const Image& image, int channels) {
  if (channels == 1) return to_gray(image);
  if (channels == 3) return to_rgb(image);
  return image;
}

bool looks_like_jpeg(const uint8_t* data, size_t size) {
  return size >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff;
}

[[noreturn]] void cannot_decode(const std::string& origin) {
  const char* reason = stbi_failure_reason();
  fail(ErrorKind::BadInput, origin + ": cannot decode image: " + (reason ? reason : "unknown error") +
                                " (JPEG, PNG and BMP are read)");
}

}  // namespace

Image decode_image(const uint8_t* data, size_t size, const std::string& origin, int channels) {
  if (channels != 0 && channels != 1 && channels != 3)
    fail(ErrorKind::Internal, "decode_image: channels must be 0, 1 or 3");
  if (size > static_cast<size_t>(INT32_MAX))
    fail(ErrorKind::BadInput, origin + ": image file too large");
  if (looks_like_jpeg(data, size)) {
    if (auto image = decode_jpeg_libjpeg(data, size, origin)) return with_channels(*image, channels);
  }
  int length = static_cast<int>(size);
  int width = 0, height = 0, file_channels = 0;
  if (!stbi_info_from_memory(data, length, &width, &height, &file_channels)) cannot_decode(origin);

  // Gray (+alpha) files decode to 1 channel and color (+alpha) files to 3;
  // stb drops the alpha channel. Gray <-> RGB is ours, to match Pillow.
  int native = file_channels <= 2 ? 1 : 3;
  std::unique_ptr<stbi_uc, void (*)(void*)> decoded(
      stbi_load_from_memory(data, length, &width, &height, &file_channels, native), stbi_image_free);
  if (!decoded) cannot_decode(origin);

  Image image(height, width, native);
  std::memcpy(image.pixels.data(), decoded.get(), image.pixels.size());
  return with_channels(image, channels);
}

Image decode_image(const std::string& path, int channels) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorKind::BadInput, path + ": cannot open: " + std::strerror(errno));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail(ErrorKind::BadInput, path + ": read error: " + std::strerror(errno));
  return decode_image(bytes.data(), bytes.size(), path, channels);
}

Image to_gray(const Image& image) {
  if (image.channels == 1) return image;
  Image gray(image.height, image.width, 1);
  const uint8_t* rgb = image.pixels.data();
  for (uint8_t& out : gray.pixels) {
    // Pillow's weights 0.299, 0.587, 0.114 scaled by 2^16 (they sum to 2^16,
    // so gray stays gray), rounded half up.
    out = static_cast<uint8_t>((rgb[0] * 19595u + rgb[1] * 38470u + rgb[2] * 7471u + 0x8000u) >> 16);
    rgb += 3;
  }
  return gray;
}

Image to_rgb(const Image& image) {
  if (image.channels == 3) return image;
  Image rgb(image.height, image.width, 3);
  for (size_t i = 0; i < image.pixels.size(); ++i)
    rgb.pixels[3 * i] = rgb.pixels[3 * i + 1] = rgb.pixels[3 * i + 2] = image.pixels[i];
  return rgb;
}

}  // namespace octet
