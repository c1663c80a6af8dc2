// JPEG decoding with libjpeg-turbo, the decoder Pillow uses: with libjpeg's
// default settings (ISLOW IDCT, fancy upsampling) the pixels are bit-exact
// with Pillow's Image.open(...) (checked on all 800 JPEGs tried from
// shared/data), while stb_image's own decoder differs by up to 3 levels on
// ~5 % of the values.

#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "io/image.h"

namespace octet {

// The decoded JPEG (1 or 3 channels), or nothing when the file's color space is one Pillow would not give as L or RGB (CMYK,
// YCCK: left to stb_image). A corrupt file is Error(BadInput) with libjpeg's
// reason. libjpeg's warnings about recoverable damage are not reported.
std::optional<Image> decode_jpeg_libjpeg(const uint8_t* data, size_t size, const std::string& origin);

}  // namespace octet
