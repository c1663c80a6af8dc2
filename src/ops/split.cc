// STUB: to be written.
#include "ops/op_def.h"
namespace octet {
OpDef define_Split() { return OpDef{OpKind::Split}; }
}  // namespace octet
