#include "runtime/int8/centered.h"

#include "runtime/int8/avx2.h"
#include "runtime/int8/kernel_choice.h"
#include "runtime/int8/vector_blocks.h"

namespace octet::int8 {
namespace {

OCTET_AVX2 void center_codes_avx2(const int8_t* in, int64_t n, int32_t offset, int16_t* out) {
  const __m256i offsets = _mm256_set1_epi16(static_cast<int16_t>(offset));
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i codes = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm256_add_epi16(codes, offsets));
  }
  for (; i < n; ++i) out[i] = static_cast<int16_t>(in[i] + offset);
}

}  // namespace

void center_codes(const int8_t* in, int64_t n, int32_t offset, int16_t* out) {
  if (avx2_kernels()) return center_codes_avx2(in, n, offset, out);
  transform_blocked(in, n, out, [offset](int8_t v) { return static_cast<int16_t>(v + offset); });
}

}  // namespace octet::int8
