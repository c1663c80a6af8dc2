// STUB: to be written.
#include "ops/op_def.h"
namespace octet {
OpDef define_Gather() { return OpDef{OpKind::Gather}; }
}  // namespace octet
