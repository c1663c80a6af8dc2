// STUB: to be written.
#include "ops/op_def.h"
namespace octet {
OpDef define_BatchNorm() { return OpDef{OpKind::BatchNorm}; }
}  // namespace octet
