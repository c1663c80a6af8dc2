// STUB: to be written.
#include "ops/op_def.h"
namespace octet {
OpDef define_Reshape() { return OpDef{OpKind::Reshape}; }
}  // namespace octet
