// STUB: to be written.
#include "ops/op_def.h"
namespace octet {
OpDef define_Slice() { return OpDef{OpKind::Slice}; }
}  // namespace octet
