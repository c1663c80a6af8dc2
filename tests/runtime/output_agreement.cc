#include "output_agreement.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "eval/metrics.h"
#include "graph/error.h"
#include "runtime/engine.h"
#include "tfjs_runner.h"

namespace octet::tfjs {
namespace {

// The stored values as floats: a positive scale and a zero point do not change
// which element is largest, nor (for integer outputs) the step count.
std::vector<float> stored_values(const TensorView& v) {
  std::vector<float> values(static_cast<size_t>(v.element_count()));
  for (size_t i = 0; i < values.size(); ++i) switch (v.dtype) {
      case DType::Float32: values[i] = v.as<float>()[i]; break;
      case DType::Int8: values[i] = v.as<int8_t>()[i]; break;
      case DType::UInt8: values[i] = v.as<uint8_t>()[i]; break;
      case DType::Int32: values[i] = static_cast<float>(v.as<int32_t>()[i]); break;
      default: fail(ErrorKind::Unsupported, std::string("no agreement measure for ") + dtype_name(v.dtype) + " outputs");
    }
  return values;
}

}  // namespace

OutputAgreement::OutputAgreement(double tolerance_steps, double float_step)
    : tolerance_steps_(tolerance_steps), float_step_(float_step) {}

void OutputAgreement::add(const TensorView& ours, const TensorView& theirs) {
  if (ours.dtype != theirs.dtype || ours.element_count() != theirs.element_count())
    fail(ErrorKind::BadShape, std::string("outputs differ: ") + dtype_name(ours.dtype) + " " +
                                  shape_string(ours.shape) + " vs " + dtype_name(theirs.dtype) + " " +
                                  shape_string(theirs.shape));
  const bool is_float = ours.dtype == DType::Float32;
  if (is_float && !(float_step_ > 0))
    fail(ErrorKind::Usage, "comparing float outputs in quantization steps needs a positive float_step");
  const std::vector<float> a = stored_values(ours), b = stored_values(theirs);
  ++sets_;
  if (eval::top_k(a.data(), static_cast<int64_t>(a.size()), 1) ==
      eval::top_k(b.data(), static_cast<int64_t>(b.size()), 1))
    ++same_top1_;
  const double step = is_float ? float_step_ : 1.0;
  // Dequantized values k steps apart differ by k * step only up to float
  // rounding, so float outputs get a thousandth of a step of slack.
  const double tolerance = tolerance_steps_ + (is_float ? 1e-3 : 0.0);
  for (size_t i = 0; i < a.size(); ++i) {
    const double steps = std::fabs(static_cast<double>(a[i]) - b[i]) / step;
    worst_steps_ = std::max(worst_steps_, steps);
    if (steps <= tolerance) ++within_;
    if (steps < 0.5) ++identical_;  // the same step, also for dequantized floats
  }
  elements_ += static_cast<int64_t>(a.size());
}

double OutputAgreement::top1_agreement() const {
  return sets_ ? static_cast<double>(same_top1_) / static_cast<double>(sets_) : 0.0;
}

double OutputAgreement::within_tolerance() const {
  return elements_ ? static_cast<double>(within_) / static_cast<double>(elements_) : 0.0;
}

double OutputAgreement::identical() const {
  return elements_ ? static_cast<double>(identical_) / static_cast<double>(elements_) : 0.0;
}

std::string OutputAgreement::summary() const {
  char text[200];
  std::snprintf(text, sizeof text,
                "top-1 agreement %6.2f %%, identical %7.3f %%, within %g steps %7.3f %%, worst %g steps (%lld sets)",
                100 * top1_agreement(), 100 * identical(), tolerance_steps_, 100 * within_tolerance(), worst_steps_,
                static_cast<long long>(sets_));
  return text;
}

std::vector<OutputAgreement> agreement_with_engine(const Graph& graph, const std::vector<std::vector<Tensor>>& inputs,
                                                   const std::vector<std::vector<Tensor>>& theirs,
                                                   double tolerance_steps, double float_step) {
  if (theirs.size() != inputs.size()) fail(ErrorKind::Internal, "the other runtime gave another number of sets");
  std::vector<OutputAgreement> agreements(graph.outputs.size(), OutputAgreement(tolerance_steps, float_step));
  Engine engine(graph);
  for (size_t s = 0; s < inputs.size(); ++s) {
    std::vector<const void*> data;
    for (const Tensor& t : inputs[s]) data.push_back(t.data->data());
    const std::vector<TensorView> ours = engine.run(data);
    if (theirs[s].size() != ours.size()) fail(ErrorKind::Internal, "the other runtime gave another number of outputs");
    for (size_t k = 0; k < ours.size(); ++k) agreements[k].add(ours[k], view_of(theirs[s][k]));
  }
  return agreements;
}

}  // namespace octet::tfjs
