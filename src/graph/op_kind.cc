#include "graph/op_kind.h"

namespace octet {

static const char* const kOpNames[] = {
#define OCTET_OP(name) #name,
#include "ops/op_list.inc"
#undef OCTET_OP
};

const char* op_name(OpKind kind) { return kOpNames[static_cast<int>(kind)]; }

std::optional<OpKind> op_from_name(const std::string& name) {
  for (size_t i = 0; i < sizeof(kOpNames) / sizeof(kOpNames[0]); ++i)
    if (name == kOpNames[i]) return static_cast<OpKind>(i);
  return std::nullopt;
}

}  // namespace octet
