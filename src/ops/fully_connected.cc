// STUB: to be written.
#include "ops/op_def.h"
namespace octet {
OpDef define_FullyConnected() { return OpDef{OpKind::FullyConnected}; }
}  // namespace octet
