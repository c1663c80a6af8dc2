// STUB: to be written.
#include "ops/op_def.h"
namespace octet {
OpDef define_MatMul() { return OpDef{OpKind::MatMul}; }
}  // namespace octet
