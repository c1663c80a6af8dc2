#include "ops/permute_util.h"

namespace octet {

std::optional<Permuted> permute_elementwise(const Graph&, Node&, const std::vector<int64_t>& perm) {
  return Permuted{{0}, perm};
}

std::optional<Permuted> permute_broadcast(const Graph&, Node& node, const std::vector<int64_t>& perm) {
  Permuted p{{}, perm};
  for (size_t i = 0; i < node.inputs.size(); ++i) p.inputs.push_back(i);
  return p;
}

bool permute_axis(Node& node, const std::vector<int64_t>& perm, int64_t fallback, const char* name) {
  const int64_t rank = static_cast<int64_t>(perm.size());
  int64_t axis = node.attrs.get_int(name, fallback);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) return false;
  node.attrs.set(name, perm[axis]);
  return true;
}

std::vector<int64_t> permute_per_dim(const std::vector<int64_t>& values, const std::vector<int64_t>& perm) {
  std::vector<int64_t> out(values.size());
  for (size_t d = 0; d < perm.size() && d < values.size(); ++d) out[perm[d]] = values[d];
  return out;
}

}  // namespace octet
