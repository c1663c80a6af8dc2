// Writing result files so that a failure never leaves a half-written file:
// the bytes go to a temporary file beside the target, which is then renamed.
#pragma once
#include <string>

#include "graph/tensor.h"

namespace octet {

// Error(BadFile) naming `path` when it cannot be written.
void write_file_atomically(const std::string& path, const Bytes& bytes);

}  // namespace octet
