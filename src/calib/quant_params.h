// Quantization-parameter math: from a real range to int8 scale and zero point.
//
// Convention (one place, named): we reproduce what the TFLite converter writes
// for a calibrated model, i.e. the MLIR quantizer on its default Python path
// (QuantizeModel with legacy_float_scale = true):
//   real = scale * (q - zero_point)
//   activations: int8 asymmetric, q in [-128, 127]
//     1. the range is widened to contain 0 (so real 0 is exactly representable);
//     2. a range narrower than 1e-6 is widened by 1e-6 on both sides
//        (ConvertStatsToQDQs' TensorRangeSanityCheck);
//     3. scale = (float(max) - float(min)) / 255, computed in float32;
//     4. zero_point = round(-128 - min / scale) (half away from zero), clamped
//        to [-128, 127]; the quotient is formed in double, rounded to float
//        (DownCastScale).
//   weights: int8 symmetric, narrow range q in [-127, 127], zero_point 0,
//     scale = float(max|w|) * 2 / 254 in float32; a max|w| of at most 5e-7
//     (including an all-zero tensor or channel) is raised to 5e-7
//     (ExpandVerySmallRange), giving scale 1e-6 / 254.
// Nothing here ever returns a zero, negative, infinite or NaN scale. Inputs
// that need a fallback set bits in `warnings` (see QuantWarning) so the caller
// can report them; the fallback itself is documented at each bit.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace octet::calib {

// A real-valued range [min, max] of a tensor, as observed or chosen.
struct QuantRange {
  float min = 0.0f;
  float max = 0.0f;
};

// Why a fallback was taken. Bits, or-ed together.
enum QuantWarning : uint32_t {
  kNoWarning = 0,
  // After including 0 the range was narrower than 1e-6 (e.g. an all-zero
  // tensor). Activations: widened to [min - 1e-6, max + 1e-6]. Weights: max|w|
  // raised to 5e-7. Either way the scale is tiny but positive and normal.
  kNarrowRange = 1u << 0,
  // A bound was NaN (treated as 0: no information on that side) or +-Inf
  // (treated as +-kLargestBound).
  kNonFiniteBound = 1u << 1,
  // A finite bound beyond +-kLargestBound was clamped to it, so that
  // max - min stays finite in float32.
  kHugeBound = 1u << 2,
  // At least one weight channel (or the whole weight tensor) is all zero.
  // Its scale comes from the kNarrowRange rule; all its values quantize to 0.
  kZeroWeightChannel = 1u << 3,
  // The weights hold NaN or Inf values; they are left out of max|w|.
  kNonFiniteWeights = 1u << 4,
  // A bias was too large for int32 at input_scale * weight_scale (typically
  // behind an all-zero or tiny weight channel): that channel's weight scale
  // was raised until the bias fits.
  kWeightScaleRaisedForBias = 1u << 5,
};

// Largest |bound| accepted: half of FLT_MAX, so max - min cannot overflow.
constexpr float kLargestBound = 1.7014117e38f;

// int8 storage ranges.
constexpr int32_t kActivationQMin = -128;
constexpr int32_t kActivationQMax = 127;
constexpr int32_t kWeightQMax = 127;  // symmetric narrow range: [-127, 127]

struct QuantParams {
  float scale = 1.0f;
  int32_t zero_point = 0;
  uint32_t warnings = kNoWarning;  // QuantWarning bits
};

// Asymmetric int8 parameters for an activation observed over `range`.
QuantParams choose_activation_params(QuantRange range);

// Symmetric int8 weight scales (zero points are all 0).
struct WeightScales {
  std::vector<float> scales;        // one per channel; one entry if per-tensor
  uint32_t warnings = kNoWarning;   // QuantWarning bits, over all channels
  std::vector<int64_t> zero_channels;  // channels that were all zero
};

// The scale for a tensor or channel whose largest magnitude is `abs_max`
// (finite, >= 0); or-s kNarrowRange into `warnings` when it had to widen.
float symmetric_weight_scale(float abs_max, uint32_t* warnings);

// One scale for all `n` values of `data`.
WeightScales choose_weight_scale_per_tensor(const float* data, int64_t n);

// One scale per index of dimension `axis` of a row-major tensor of shape
// `dims` (e.g. axis 0 of an OHWI convolution weight). Throws Error(Internal)
// for an axis outside the shape.
WeightScales choose_weight_scales_per_channel(const float* data, const std::vector<int64_t>& dims,
                                              int axis);

// "narrow range widened, non-finite bound replaced" etc.; "" for no warnings.
std::string describe_warnings(uint32_t warnings);

}  // namespace octet::calib
