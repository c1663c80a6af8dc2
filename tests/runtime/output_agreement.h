// How closely two runtimes agree on one quantized model's outputs over many
// input sets: the share of sets whose top-1 class is the same, and the share
// of output elements within a tolerance counted in quantization steps.
// Fed one output pair at a time, so Engine views (valid until the next run)
// need not be copied.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "runtime/kernel.h"

namespace octet::tfjs {

class OutputAgreement {
 public:
  // `tolerance_steps`: how many quantization steps apart two elements may be
  // and still agree. `float_step`: the step of float outputs (the scale of
  // the Dequantize that made them); integer outputs (int8, uint8, int32)
  // count steps as the difference of their stored values.
  explicit OutputAgreement(double tolerance_steps, double float_step = 0.0);

  // One input set's output from each runtime: same dtype and element count
  // (else Error(BadShape)). Top-1 ties go to the lowest index, as in
  // shared/models/MODELS.md.
  void add(const TensorView& ours, const TensorView& theirs);

  int64_t sets() const { return sets_; }
  double top1_agreement() const;  // fraction of sets, 0..1
  double within_tolerance() const;  // fraction of elements, 0..1
  double identical() const;  // fraction of elements in the same step, 0..1
  double worst_steps() const { return worst_steps_; }
  // "top-1 agreement 99.00 %, identical 97.500 %, within 2 steps 99.950 %,
  // worst 3 steps (100 sets)"
  std::string summary() const;

 private:
  double tolerance_steps_;
  double float_step_;
  int64_t sets_ = 0, same_top1_ = 0;
  int64_t elements_ = 0, within_ = 0, identical_ = 0;
  double worst_steps_ = 0.0;
};

// octet's Engine run on `inputs` (one tensor per graph input in each set)
// against another runtime's outputs `theirs` for the same sets: one agreement
// per graph output. Error(Internal) when the runtimes give different numbers
// of sets or outputs.
std::vector<OutputAgreement> agreement_with_engine(const Graph& graph, const std::vector<std::vector<Tensor>>& inputs,
                                                   const std::vector<std::vector<Tensor>>& theirs,
                                                   double tolerance_steps, double float_step = 0.0);

}  // namespace octet::tfjs
