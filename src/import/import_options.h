#pragma once
#include <map>
#include <string>

#include "graph/tensor.h"

namespace octet {

struct ImportOptions {
  // Shapes for inputs whose shape the file leaves open (--input-shape NAME:1,3,224,224).
  std::map<std::string, Shape> input_shapes;
};

}  // namespace octet
