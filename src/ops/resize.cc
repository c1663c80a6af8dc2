// STUB: to be written.
#include "ops/op_def.h"
namespace octet {
OpDef define_Resize() { return OpDef{OpKind::Resize}; }
}  // namespace octet
