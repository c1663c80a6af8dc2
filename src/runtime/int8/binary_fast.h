// ADD, SUB and MUL in int8, fast: the same results as add(), sub() and mul()
// (add_sub.h, mul.h) bit for bit, with any broadcast those take.
//
// How: an int8 input has 256 codes, so ADD's and SUB's per-input rescaling
// (add_sub_rescale) is a 256-entry table made once per call; the int32 sums,
// differences or products are gathered into a buffer and the output rescaling
// runs over it in vector blocks (requantize.h).
#pragma once
#include <cstdint>

#include "runtime/int8/add_sub.h"
#include "runtime/int8/broadcast.h"
#include "runtime/int8/mul.h"

namespace octet::int8 {

void add_fast(const AddSubParams& p, const Broadcast4D& shape, const int8_t* a, const int8_t* b, int8_t* y);
void sub_fast(const AddSubParams& p, const Broadcast4D& shape, const int8_t* a, const int8_t* b, int8_t* y);
void mul_fast(const MulParams& p, const Broadcast4D& shape, const int8_t* a, const int8_t* b, int8_t* y);

}  // namespace octet::int8
