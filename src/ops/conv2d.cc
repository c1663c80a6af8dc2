// STUB: to be written.
#include "ops/op_def.h"
namespace octet {
OpDef define_Conv2D() { return OpDef{OpKind::Conv2D}; }
}  // namespace octet
