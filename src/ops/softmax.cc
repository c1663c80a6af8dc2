// STUB: to be written.
#include "ops/op_def.h"
namespace octet {
OpDef define_Softmax() { return OpDef{OpKind::Softmax}; }
OpDef define_LogSoftmax() { return OpDef{OpKind::LogSoftmax}; }
}  // namespace octet
