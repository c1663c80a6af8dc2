// STUB: to be written.
#include "ops/op_def.h"
namespace octet {
OpDef define_ReduceMean() { return OpDef{OpKind::ReduceMean}; }
OpDef define_ReduceMax() { return OpDef{OpKind::ReduceMax}; }
}  // namespace octet
