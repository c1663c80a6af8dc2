// AVX2 code in a portable build. The project is compiled for baseline
// x86-64 (SSE2); the functions that use AVX2 intrinsics carry OCTET_AVX2,
// which lets GCC emit AVX2 for them alone, and run only where
// avx2_kernels() (kernel_choice.h) says the CPU has it. A function attribute
// rather than -mavx2 on whole files: inline functions and templates a file
// instantiates (std::vector, std::min, ...) must stay baseline code, since
// the linker keeps one copy of each for the whole program.
#pragma once
#include <immintrin.h>

#define OCTET_AVX2 __attribute__((target("avx2")))

// For the small helpers of OCTET_AVX2 functions: GCC's -O2 heuristics leave
// some of them as calls, which pass each vector through memory.
#define OCTET_AVX2_INLINE __attribute__((target("avx2"), always_inline)) inline
