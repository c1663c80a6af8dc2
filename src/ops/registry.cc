#include "ops/op_def.h"

#include <stdexcept>

namespace octet {

static std::vector<OpDef> build_registry() {
  std::vector<OpDef> defs;
#define OCTET_OP(name)                                        \
  defs.push_back(define_##name());                            \
  if (defs.back().kind != OpKind::name)                       \
    throw std::logic_error("define_" #name " returned the wrong kind");
#include "ops/op_list.inc"
#undef OCTET_OP
  return defs;
}

static const std::vector<OpDef>& registry() {
  static const std::vector<OpDef> defs = build_registry();
  return defs;
}

const OpDef& op_def(OpKind kind) { return registry()[static_cast<size_t>(kind)]; }

const std::vector<const OpDef*>& all_op_defs() {
  static const std::vector<const OpDef*> all = [] {
    std::vector<const OpDef*> v;
    for (const OpDef& d : registry()) v.push_back(&d);
    return v;
  }();
  return all;
}

}  // namespace octet
