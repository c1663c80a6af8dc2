// A float depthwise convolution (one output channel per input channel) on
// NHWC, for the Engine's fast path in place of XNNPACK's. XNNPACK of 2022
// computes one output pixel at a time and reloads all KH*KW weight vectors
// for each, which makes it load-bound: on MobileNetV2 its depthwise layers
// take about three times their FMA count. Here each block of channels (8,
// or 16 on AVX-512) keeps its weights in registers across eight output
// pixels at a time, so an output vector costs its taps' loads and FMAs only.
//
// The channel count must be a multiple of 8 (every depthwise layer of the
// common CNNs; callers leave the others to XNNPACK): blocks never read past
// a pixel's channels.
#pragma once
#include <cstdint>
#include <vector>

namespace octet {

struct DepthwiseGeometry {
  int64_t batch = 1, in_h = 0, in_w = 0, channels = 0;
  int64_t out_h = 0, out_w = 0;
  int64_t kernel_h = 0, kernel_w = 0;
  int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0;  // the bottom and right pads follow from the output size
  float out_min = -__builtin_inff(), out_max = __builtin_inff();  // the fused activation's clamp
};

class FloatDepthwiseConv {
 public:
  static constexpr int64_t kLanes = 8;

  // `weights` in the IR's depthwise layout [C, KH, KW, 1]; `bias` C values or null.
  FloatDepthwiseConv(const DepthwiseGeometry& geometry, const float* weights, const float* bias);

  // Output rows [first, first + count) of the batch*out_h rows, all columns
  // and channels, from the NHWC `input` into the NHWC `output`.
  void run_rows(const float* input, float* output, int64_t first, int64_t count) const;

  int64_t rows() const { return g_.batch * g_.out_h; }

 private:
  DepthwiseGeometry g_;
  std::vector<float> taps_;  // [KH*KW][C]: each tap's weights, channel-contiguous
  std::vector<float> bias_;  // [C], zeros without a bias
  std::vector<float> zeros_;  // one input row of zeros: the taps in the padding read it
  // Output columns whose whole window lies inside the input: [interior_begin_, interior_end_).
  int64_t interior_begin_ = 0, interior_end_ = 0;
  bool sixteens_ = false;  // AVX-512 here, and the channels come in sixteens: 16-lane vectors
};

}  // namespace octet
