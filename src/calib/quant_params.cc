#include "calib/quant_params.h"

#include <algorithm>
#include <cmath>

#include "calib/batch_stats.h"
#include "graph/error.h"

namespace octet::calib {
namespace {

// TFLite's kNearZeroTolerance: narrower activation ranges are widened by it on
// both sides; weight ranges (2 * max|w|) up to it get half-range 5e-7.
constexpr double kNearZeroTolerance = 1.0e-6;
constexpr float kSmallestWeightHalfRange = 5.0e-7f;

// A usable bound: NaN -> 0, +-Inf and huge values -> +-kLargestBound.
float sanitize_bound(float v, uint32_t* warnings) {
  if (std::isnan(v)) {
    *warnings |= kNonFiniteBound;
    return 0.0f;
  }
  if (std::fabs(v) > kLargestBound) {
    *warnings |= std::isinf(v) ? kNonFiniteBound : kHugeBound;
    return std::copysign(kLargestBound, v);
  }
  return v;
}

}  // namespace

QuantParams choose_activation_params(QuantRange range) {
  QuantParams p;
  double lo = std::min(0.0, double{sanitize_bound(range.min, &p.warnings)});
  double hi = std::max(0.0, double{sanitize_bound(range.max, &p.warnings)});
  if (hi - lo < kNearZeroTolerance) {
    lo -= kNearZeroTolerance;
    hi += kNearZeroTolerance;
    p.warnings |= kNarrowRange;
  }
  // Float32 arithmetic on purpose: this is the scale TFLite writes.
  const float span = static_cast<float>(hi) - static_cast<float>(lo);
  p.scale = span / static_cast<float>(kActivationQMax - kActivationQMin);
  // Zero point solved from the (min, qmin) pair, as DownCastScale does; it is
  // nudged to an integer, so real 0 maps exactly onto it.
  const float zp = static_cast<float>(kActivationQMin - lo / double{p.scale});
  if (zp < kActivationQMin) {
    p.zero_point = kActivationQMin;
  } else if (zp > kActivationQMax) {
    p.zero_point = kActivationQMax;
  } else {
    p.zero_point = static_cast<int32_t>(std::round(zp));
  }
  return p;
}

float symmetric_weight_scale(float abs_max, uint32_t* warnings) {
  abs_max = sanitize_bound(std::fabs(abs_max), warnings);
  // ExpandVerySmallRange's test is on the full width 2 * abs_max.
  if (2.0 * abs_max <= kNearZeroTolerance) {
    abs_max = kSmallestWeightHalfRange;
    *warnings |= kNarrowRange;
  }
  return (abs_max + abs_max) / static_cast<float>(2 * kWeightQMax);
}

namespace {

// Largest finite |value| of a strided channel: `count` runs of `run` values,
// `stride` apart.
float channel_abs_max(const float* data, int64_t count, int64_t run, int64_t stride,
                      uint32_t* warnings) {
  float abs_max = 0.0f;
  for (int64_t r = 0; r < count; ++r) {
    const BatchStats s = scan_batch(data + r * stride, run);
    if (s.nonfinite > 0) *warnings |= kNonFiniteWeights;
    if (s.finite > 0) abs_max = std::max({abs_max, std::fabs(s.min), std::fabs(s.max)});
  }
  return abs_max;
}

WeightScales scales_for(const std::vector<float>& abs_maxes) {
  WeightScales w;
  for (size_t c = 0; c < abs_maxes.size(); ++c) {
    if (abs_maxes[c] == 0.0f) {
      w.warnings |= kZeroWeightChannel;
      w.zero_channels.push_back(static_cast<int64_t>(c));
    }
    w.scales.push_back(symmetric_weight_scale(abs_maxes[c], &w.warnings));
  }
  return w;
}

}  // namespace

WeightScales choose_weight_scale_per_tensor(const float* data, int64_t n) {
  uint32_t warnings = kNoWarning;
  WeightScales w = scales_for({channel_abs_max(data, 1, n, n, &warnings)});
  w.warnings |= warnings;
  return w;
}

WeightScales choose_weight_scales_per_channel(const float* data, const std::vector<int64_t>& dims,
                                              int axis) {
  if (axis < 0 || axis >= static_cast<int>(dims.size()))
    fail(ErrorKind::Internal, "per-channel weight axis " + std::to_string(axis) +
                                  " outside a rank-" + std::to_string(dims.size()) + " tensor");
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= dims[d];
  for (size_t d = axis + 1; d < dims.size(); ++d) inner *= dims[d];
  const int64_t channels = dims[axis];
  uint32_t warnings = kNoWarning;
  std::vector<float> abs_maxes(channels);
  for (int64_t c = 0; c < channels; ++c)
    abs_maxes[c] = channel_abs_max(data + c * inner, outer, inner, channels * inner, &warnings);
  WeightScales w = scales_for(abs_maxes);
  w.warnings |= warnings;
  return w;
}

std::string describe_warnings(uint32_t warnings) {
  static const struct {
    QuantWarning bit;
    const char* text;
  } kTexts[] = {
      {kNarrowRange, "range narrower than 1e-6 widened"},
      {kNonFiniteBound, "NaN/Inf range bound replaced"},
      {kHugeBound, "range bound beyond +-1.7e38 clamped"},
      {kZeroWeightChannel, "all-zero weight channel"},
      {kNonFiniteWeights, "NaN/Inf weights ignored"},
      {kWeightScaleRaisedForBias, "weight scale raised so the int32 bias fits"},
  };
  std::string out;
  for (const auto& t : kTexts) {
    if (!(warnings & t.bit)) continue;
    if (!out.empty()) out += "; ";
    out += t.text;
  }
  return out;
}

}  // namespace octet::calib
