#include "runtime/int8/tanh.h"

#include <gemmlowp/fixedpoint/fixedpoint.h>

#include "graph/error.h"

namespace octet::int8 {
namespace {

int32_t tanh_q0_31(int32_t x_q4_27) {
  return gemmlowp::tanh(gemmlowp::FixedPoint<int32_t, 4>::FromRaw(x_q4_27)).raw();
}

}  // namespace

Q4InputParams prepare_tanh(Affine input, Affine output) {
  if (output.scale != kTanhOutputScale || output.zero_point != kTanhOutputZeroPoint)
    fail(ErrorKind::Unsupported, "int8 tanh: output must have scale 1/128, zero point 0");
  return prepare_q4_input(input);
}

void tanh(const Q4InputParams& params, const int8_t* in, int8_t* out, int64_t count) {
  // Q0.31 -> the 1/128 grid: divide by 2^24.
  q4_elementwise(params, in, out, count, tanh_q0_31, 31 - 7, kTanhOutputZeroPoint);
}

}  // namespace octet::int8
