// STUB: to be written.
#include "ops/op_def.h"
namespace octet {
OpDef define_Identity() { return OpDef{OpKind::Identity}; }
}  // namespace octet
