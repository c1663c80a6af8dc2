// Every op in ops/op_list.inc is fully defined: shape inference, a kernel, and
// at least one import mapping (otherwise no model could ever contain it).
#include <gtest/gtest.h>

#include "ops/op_def.h"

namespace octet {

TEST(Registry, EveryOpIsComplete) {
  for (const OpDef* def : all_op_defs()) {
    SCOPED_TRACE(op_name(def->kind));
    EXPECT_NE(def->infer, nullptr);
    EXPECT_NE(def->eval, nullptr);
    EXPECT_FALSE(def->onnx.empty() && def->tflite.empty());
  }
}

TEST(Registry, NamesRoundTrip) {
  for (const OpDef* def : all_op_defs()) EXPECT_EQ(op_from_name(op_name(def->kind)), def->kind);
}

}  // namespace octet
