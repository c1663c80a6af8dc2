#pragma once
#include <string>
#include <vector>

#include "graph/attributes.h"
#include "graph/op_kind.h"

namespace octet {

// Inputs and outputs are tensor ids in the owning Graph; an absent optional
// input (e.g. a convolution without bias) is kNoTensor.
constexpr int kNoTensor = -1;

struct Node {
  std::string name;
  OpKind op;
  Attributes attrs;
  std::vector<int> inputs;
  std::vector<int> outputs;

  bool has_input(size_t i) const { return i < inputs.size() && inputs[i] != kNoTensor; }
};

}  // namespace octet
