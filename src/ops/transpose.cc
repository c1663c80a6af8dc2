// STUB: to be written.
#include "ops/op_def.h"
namespace octet {
OpDef define_Transpose() { return OpDef{OpKind::Transpose}; }
}  // namespace octet
