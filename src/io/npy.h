// NumPy .npy files: calibration tensors in, result tensors out.
//
// Reads format versions 1.0, 2.0 and 3.0 (they differ only in the width of
// the header length and the header's text encoding). Little-endian (or
// byte-order-free) dtypes only: f4, f2 (widened to float32), f8 (narrowed to
// float32, since np.save of a default numpy array gives float64), i1, u1, i2,
// i4, i8, b1. C order only. Writes version 1.0.
// Every problem with a file is Error(BadInput) naming the file.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "graph/tensor.h"

namespace octet {

// The tensor in `path`, with data; its name is the file name without ".npy".
Tensor read_npy(const std::string& path);

// The tensor in `bytes` (a whole .npy file); `origin` names it in errors.
Tensor parse_npy(const Bytes& bytes, const std::string& origin);

// Writes `size` bytes of row-major `dtype` values of `shape` (size must equal
// the shape's element count times the dtype's size) as a version 1.0 file.
// The file appears whole or not at all; failure to write is Error(BadFile).
void write_npy(const std::string& path, DType dtype, const Shape& shape, const void* data,
               size_t size);
void write_npy(const std::string& path, const Tensor& tensor);

// The file's bytes (version 1.0), without writing them anywhere.
Bytes format_npy(DType dtype, const Shape& shape, const void* data, size_t size);

}  // namespace octet
