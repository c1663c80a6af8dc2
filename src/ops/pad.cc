// STUB: to be written.
#include "ops/op_def.h"
namespace octet {
OpDef define_Pad() { return OpDef{OpKind::Pad}; }
}  // namespace octet
