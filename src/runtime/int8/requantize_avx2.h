// The output stage (requantize.h) with AVX2: MBQM (fixed_point.h) on eight
// int32 lanes at once, in integers, so exact for every input with no
// fallback. The doubling high mul needs the 64-bit products x * m, which
// AVX2 forms for the even lanes (_mm256_mul_epi32) and, shifted down, the
// odd ones; RoundingDivideByPOT and the left shift take a per-lane shift
// (_mm256_srav_epi32, _mm256_sllv_epi32), so per-channel multipliers cost
// nothing extra.
#pragma once
#include <cstdint>

#include "runtime/int8/avx2.h"
#include "runtime/int8/requantize.h"

namespace octet::int8 {

// requantize_channels for the whole blocks of 8 channels; returns how many
// channels it wrote (the rest are left to the caller).
OCTET_AVX2 int requantize_channel_blocks_avx2(const Requantization& q, const int32_t* acc, const int32_t* bias,
                                              int8_t* out);

// requantize_uniform for the whole blocks of 8 values; returns how many it wrote.
OCTET_AVX2 int64_t requantize_uniform_blocks_avx2(const Requantization& q, const int32_t* values, int64_t n,
                                                  int8_t* out);

}  // namespace octet::int8
