// STUB: to be written.
#include "ops/op_def.h"
namespace octet {
OpDef define_Concat() { return OpDef{OpKind::Concat}; }
}  // namespace octet
