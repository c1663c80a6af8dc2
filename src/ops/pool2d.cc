// STUB: to be written.
#include "ops/op_def.h"
namespace octet {
OpDef define_MaxPool2D() { return OpDef{OpKind::MaxPool2D}; }
OpDef define_AvgPool2D() { return OpDef{OpKind::AvgPool2D}; }
}  // namespace octet
