// MAX_POOL_2D in int8, fast: the same results as max_pool() (pooling.h) bit
// for bit. Each output pixel clips its window once and merges the channels
// of every in-input point into a running maximum with a loop over contiguous
// channels the compiler vectorizes; the reference walks the window once per
// output element.
#pragma once
#include <cstdint>

#include "runtime/int8/pooling.h"

namespace octet::int8 {

void max_pool_fast(const PoolParams& p, const int8_t* input, int8_t* output);

}  // namespace octet::int8
