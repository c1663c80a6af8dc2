// STUB: to be written.
#include "ops/op_def.h"
namespace octet {
OpDef define_Relu() { return OpDef{OpKind::Relu}; }
OpDef define_Clip() { return OpDef{OpKind::Clip}; }
OpDef define_LeakyRelu() { return OpDef{OpKind::LeakyRelu}; }
OpDef define_PRelu() { return OpDef{OpKind::PRelu}; }
OpDef define_Sigmoid() { return OpDef{OpKind::Sigmoid}; }
OpDef define_Tanh() { return OpDef{OpKind::Tanh}; }
OpDef define_HardSigmoid() { return OpDef{OpKind::HardSigmoid}; }
OpDef define_HardSwish() { return OpDef{OpKind::HardSwish}; }
}  // namespace octet
