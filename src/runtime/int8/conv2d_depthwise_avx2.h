// The depthwise accumulation (conv2d_depthwise.h) with AVX2, on the same
// centered, zero-bordered int16 image. Taps go in pairs: interleaving two
// taps' pixels (_mm256_unpacklo/hi_epi16) lines them up with the two taps'
// weights, paired the same way once per call, so one _mm256_madd_epi16 adds
// both taps' exact products of 8 channels into int32 lanes. The unpacks work
// within 128-bit halves, so the sums come out with their channels permuted
// ([0-3, 8-11] and [4-7, 12-15]) and are put back in order when stored.
#pragma once
#include <cstdint>
#include <vector>

#include "runtime/int8/avx2.h"

namespace octet::int8 {

constexpr int kDepthwiseAvx2Lanes = 16;  // channels per block

// The weights of `taps` taps, tap-major [tap][lanes] (lanes a multiple of
// 16), as the AVX2 accumulation reads them: per block of 16 channels and per
// pair of taps, the two vectors its madds take; an odd last tap is paired
// with zero weights.
OCTET_AVX2 std::vector<int16_t> pair_depthwise_taps_avx2(const int16_t* weights, int taps, int lanes);

// The int32 sums of `pixels` output pixels along one output row, all `lanes`
// channels, [pixel][lanes]: pixel x's window starts at origin + x * step,
// its taps at tap_offsets[t] from there (int16 elements; one per tap of the
// pairs, an odd count's last pair repeating any offset).
OCTET_AVX2 void depthwise_row_avx2(const int16_t* origin, int64_t step, int pixels, const int64_t* tap_offsets,
                                   int tap_pairs, const int16_t* paired, int lanes, int32_t* sums);

}  // namespace octet::int8
