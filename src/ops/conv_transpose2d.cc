// STUB: to be written.
#include "ops/op_def.h"
namespace octet {
OpDef define_ConvTranspose2D() { return OpDef{OpKind::ConvTranspose2D}; }
}  // namespace octet
