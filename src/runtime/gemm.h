// Float matrix products (Eigen underneath) and the patch gathering that turns an
// NHWC convolution into one. Shared by the Conv2D, ConvTranspose2D,
// FullyConnected and MatMul kernels.
//
// Matrices are row-major; a `stride` is the distance in elements between the
// starts of consecutive rows, so a matrix can be a column block of a wider one
// (a convolution group's channels, say) without copying.
#pragma once
#include <cstdint>

namespace octet {

struct ConstMatrix {
  const float* data;
  int64_t rows, cols, stride;
};
struct MutMatrix {
  float* data;
  int64_t rows, cols, stride;
};

// out += a * b^T, with b stored [n,k] (the layout of FullyConnected and
// convolution weights). Shapes: a [m,k], b [n,k], out [m,n].
void gemm_accumulate_abt(ConstMatrix a, ConstMatrix b, MutMatrix out);
// out = a * b. Shapes: a [m,k], b [k,n], out [m,n].
void gemm_ab(ConstMatrix a, ConstMatrix b, MutMatrix out);

// out[r,c] += a[r,c] * row[c]: one depthwise-convolution tap over a run of pixels.
void accumulate_scaled_rows(ConstMatrix a, const float* row, MutMatrix out);

// Every row of `out` set to `row` (out.cols values), or to zeros when row is null.
void fill_rows(MutMatrix out, const float* row);

// Geometry of a 2-D convolution over one NHWC image, in the direction of the
// forward convolution: an output pixel (oy, ox) reads input pixels
// (oy*stride_h - pad_top + ky*dilation_h, ...), ky < kernel_h.
struct ConvWindow {
  int64_t in_h, in_w, channels;  // input image, channels = all input channels
  int64_t out_h, out_w;
  int64_t kernel_h, kernel_w;
  int64_t stride_h, stride_w;
  int64_t dilation_h, dilation_w;
  int64_t pad_top, pad_left;
};

// Gathers the receptive fields of output pixels [first_pixel, first_pixel +
// rows) into `patches`, one row per pixel laid out [ky][kx][c] for channels
// [channel_begin, channel_begin + group_channels): the OHWI weight order, so
// a convolution is patches * weights^T. Taps in the padding are zero.
void im2col(const float* image, const ConvWindow& w, int64_t channel_begin, int64_t group_channels,
            int64_t first_pixel, int64_t rows, float* patches);
// Rows per im2col tile: tiles of about 1 MiB keep the patch buffer small and
// cache-friendly while leaving each GEMM long enough to run at full speed.
int64_t patch_tile_rows(int64_t pixels, int64_t patch_size);

// The adjoint of im2col: adds the patch rows of output pixels [first_pixel,
// first_pixel + rows) back onto the input pixels they cover (taps in the
// padding are dropped). A transposed convolution is col2im(input * weights^T)
// with the roles of the window's input and output exchanged.
void col2im_accumulate(const float* patches, const ConvWindow& w, int64_t channel_begin,
                       int64_t group_channels, int64_t first_pixel, int64_t rows, float* image);

}  // namespace octet
