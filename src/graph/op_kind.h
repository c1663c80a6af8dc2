// The kinds of IR node, generated from ops/op_list.inc.
#pragma once
#include <optional>
#include <string>

namespace octet {

enum class OpKind {
#define OCTET_OP(name) name,
#include "ops/op_list.inc"
#undef OCTET_OP
};

const char* op_name(OpKind kind);
std::optional<OpKind> op_from_name(const std::string& name);

}  // namespace octet
