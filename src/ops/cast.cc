// STUB: to be written.
#include "ops/op_def.h"
namespace octet {
OpDef define_Cast() { return OpDef{OpKind::Cast}; }
}  // namespace octet
