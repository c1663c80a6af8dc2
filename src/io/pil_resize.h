// Bilinear resizing that gives the same bytes as Pillow (>= 7)
// Image.resize(size, Image.BILINEAR), which torchvision's Resize uses on PIL
// images: the preprocessing every accuracy in shared/models/MODELS.md was
// measured with.
//
// Pillow's "bilinear" is not 2x2 interpolation: it is a separable convolution
// with a triangle filter whose radius grows with the downscale factor (an
// antialiasing filter), computed in 22-bit fixed point, one axis at a time
// (horizontal first), with each pass rounded to 8 bits.
#pragma once
#include "io/image.h"

namespace octet {

// Taken by value: a resize to the same size hands the image back, no copy.
Image resize_bilinear_pil(Image image, int out_height, int out_width);

}  // namespace octet
