#include "quant/quant_plan.h"

#include <algorithm>
#include <cmath>

#include "calib/quant_params.h"
#include "graph/error.h"
#include "ops/op_def.h"
#include "quant/bias_correction.h"
#include "quant/weights.h"

namespace octet::quant {
namespace {

QuantParams per_tensor(const calib::QuantParams& p) { return {{p.scale}, {p.zero_point}, -1}; }

ActivationPlan from_range(calib::QuantRange range, ParamSource source) {
  const calib::QuantParams p = calib::choose_activation_params(range);
  return {per_tensor(p), source, p.warnings};
}

ActivationPlan for_constant(const Tensor& t) {
  const std::vector<float> values = constant_floats(t);
  calib::QuantRange range;
  for (float v : values) {
    if (!std::isfinite(v)) continue;
    range.min = std::min(range.min, v);
    range.max = std::max(range.max, v);
  }
  return from_range(range, ParamSource::Constant);
}

bool is_float(const Tensor& t) { return t.dtype == DType::Float32; }

// True when the node reads or writes a float activation (not only constants).
bool touches_float_activations(const Graph& g, const Node& n) {
  for (int t : n.outputs)
    if (is_float(g.tensor(t))) return true;
  for (int t : n.inputs)
    if (t != kNoTensor && is_float(g.tensor(t)) && !g.tensor(t).is_constant()) return true;
  return false;
}

class Planner {
 public:
  Planner(const Graph& graph, const calib::CalibrationResult& calibration, const QuantOptions& options)
      : graph_(graph), options_(options), producers_(graph.producers()), readers_(count_readers(graph)), channel_means_(calibration.channel_means) {
    for (const calib::TensorRange& r : calibration.tensors) ranges_[r.tensor_id] = r.range;
  }

  QuantPlan run() {
    for (int t : graph_.inputs)
      if (is_float(graph_.tensor(t))) plan_.activations[t] = from_range(range_of(t), ParamSource::Calibrated);
    for (size_t n = 0; n < graph_.nodes.size(); ++n) plan_node(static_cast<int>(n));
    for (size_t n = graph_.nodes.size(); n-- > 0;) share_output_with_producers(graph_.nodes[n]);
    if (!refused_.empty()) {
      std::string list;
      for (const std::string& r : refused_) list += (list.empty() ? "" : ", ") + r;
      fail(ErrorKind::Unsupported, std::to_string(refused_.size()) + " node(s) cannot be made int8: " + list);
    }
    return std::move(plan_);
  }

 private:
  const Graph& graph_;
  const QuantOptions& options_;
  const std::vector<int> producers_;
  const std::vector<int> readers_;  // reads of each tensor, a node reading it twice counting twice
  const std::map<int, std::vector<double>>& channel_means_;
  std::map<int, calib::QuantRange> ranges_;
  QuantPlan plan_;
  std::vector<std::string> refused_;

  calib::QuantRange range_of(int t) const {
    auto it = ranges_.find(t);
    if (it == ranges_.end())
      fail(ErrorKind::Internal, "tensor '" + graph_.tensor(t).name + "' was not calibrated");
    return it->second;
  }

  void refuse(const Node& n, const std::string& why) {
    refused_.push_back("'" + n.name + "' (" + op_name(n.op) + ": " + why + ")");
  }

  void plan_node(int index) {
    const Node& n = graph_.nodes[index];
    const QuantTraits& traits = op_def(n.op).quant;
    if (!touches_float_activations(graph_, n)) return;
    if (!traits.quantizable()) return refuse(n, "no int8 TFLite kernel");
    for (size_t slot = 0; slot < n.inputs.size(); ++slot) {
      const int t = n.inputs[slot];
      if (t == kNoTensor || static_cast<int>(slot) == traits.weights || static_cast<int>(slot) == traits.bias) continue;
      const Tensor& tensor = graph_.tensor(t);
      if (is_float(tensor) && tensor.is_constant() && !plan_.activations.count(t))
        plan_.activations[t] = for_constant(tensor);
    }
    for (size_t i = 0; i < n.outputs.size(); ++i) {
      const int t = n.outputs[i];
      if (!is_float(graph_.tensor(t))) continue;
      switch (traits.output) {
        case QuantTraits::Output::Calibrated: plan_.activations[t] = from_range(range_of(t), ParamSource::Calibrated); break;
        case QuantTraits::Output::SameAsInput:
          plan_.activations[t] = {plan_.params(n.inputs.at(0)), ParamSource::SameAsInput, 0};
          break;
        case QuantTraits::Output::Fixed:
          plan_.activations[t] = {{{traits.fixed_scale}, {traits.fixed_zero_point}, -1}, ParamSource::Fixed, 0};
          break;
        case QuantTraits::Output::None: break;
      }
    }
    if (traits.weights >= 0) plan_weights(index, traits);
  }

  // A node whose inputs must share its output's parameters (concatenation)
  // would requantize each input that has others. Where an input's producer
  // feeds only this node, it writes those parameters itself instead, as the
  // TFLite converter does: the values land on the same grid with one
  // rounding instead of two, and without a QUANTIZE op. The parameters pass
  // up through ops that keep their input's (a pooling between a convolution
  // and the concatenation). Nodes are visited from the last, so a
  // concatenation feeding another passes the outer one's parameters on.
  void share_output_with_producers(const Node& n) {
    if (!op_def(n.op).quant.inputs_share_output || !plan_.activations.count(n.outputs.at(0))) return;
    const QuantParams shared = plan_.activations.at(n.outputs[0]).params;
    for (int t : n.inputs) {
      const std::vector<int> chain = producers_writing(t);
      for (int link : chain) {
        ActivationPlan& p = plan_.activations.at(link);
        p.params = shared;
        if (p.source == ParamSource::Calibrated) p.source = ParamSource::SameAsConsumer;
      }
    }
  }

  // The tensors from `t` back to the calibrated output they copy their
  // parameters from, when each has a single consumer and is no graph output
  // (so changing them changes nothing else); empty otherwise.
  std::vector<int> producers_writing(int t) const {
    std::vector<int> chain;
    while (t != kNoTensor && producers_[t] != kNoTensor && readers_[t] == 1 && !is_graph_output(t)) {
      auto it = plan_.activations.find(t);
      if (it == plan_.activations.end()) break;
      chain.push_back(t);
      if (it->second.source == ParamSource::Calibrated) return chain;
      if (it->second.source != ParamSource::SameAsInput) break;
      t = graph_.nodes[producers_[t]].inputs.at(0);
    }
    return {};
  }

  static std::vector<int> count_readers(const Graph& g) {
    std::vector<int> readers(g.tensors.size(), 0);
    for (const Node& n : g.nodes)
      for (int t : n.inputs)
        if (t != kNoTensor) ++readers[t];
    return readers;
  }

  bool is_graph_output(int tensor) const {
    return std::count(graph_.outputs.begin(), graph_.outputs.end(), tensor) > 0;
  }

  void plan_weights(int index, const QuantTraits& traits) {
    const Node& n = graph_.nodes[index];
    if (!n.has_input(traits.weights)) return refuse(n, "no weights");
    const Tensor& w = graph_.tensor(n.inputs[traits.weights]);
    if (!w.is_constant() || !is_float(w)) return refuse(n, "the weights are not a float constant");
    const bool per_channel = !options_.per_tensor && (traits.per_channel || options_.all_per_channel);
    WeightPlan plan;
    plan.scales = weight_scales(w, per_channel, &plan.warnings);
    if (n.has_input(traits.bias)) {
      const Tensor& bias = graph_.tensor(n.inputs[traits.bias]);
      if (!bias.is_constant() || !is_float(bias)) return refuse(n, "the bias is not a float constant");
      auto means = channel_means_.find(n.inputs[0]);
      const bool correct = options_.bias_correction && means != channel_means_.end();
      if (correct) plan.bias = corrected_bias(graph_, n, plan.scales, means->second);
      const std::vector<float> scales = plan.scales;
      fit_bias(plan.bias.empty() ? bias : make_constant(bias.name, bias.shape, plan.bias),
               plan_.input_params(graph_, n, 0).scales[0], plan.scales, &plan.warnings);
      // A scale raised for the bias rounds the weights differently.
      if (correct && plan.scales != scales) plan.bias = corrected_bias(graph_, n, plan.scales, means->second);
    }
    plan_.weights[index] = std::move(plan);
  }
};

}  // namespace

const char* param_source_name(ParamSource source) {
  switch (source) {
    case ParamSource::Calibrated: return "calibrated";
    case ParamSource::SameAsInput: return "same as input";
    case ParamSource::SameAsConsumer: return "same as its consumer's output";
    case ParamSource::Fixed: return "fixed by the op";
    case ParamSource::Constant: return "constant values";
  }
  return "?";
}

const QuantParams& QuantPlan::params(int tensor) const {
  auto it = activations.find(tensor);
  if (it == activations.end()) fail(ErrorKind::Internal, "no int8 parameters planned for tensor " + std::to_string(tensor));
  return it->second.params;
}

const QuantParams& QuantPlan::input_params(const Graph& graph, const Node& node, size_t slot) const {
  if (op_def(node.op).quant.inputs_share_output) return params(node.outputs.at(0));
  return params(node.inputs.at(slot));
}

QuantPlan plan_quantization(const Graph& graph, const calib::CalibrationResult& calibration,
                            const QuantOptions& options) {
  return Planner(graph, calibration, options).run();
}

}  // namespace octet::quant
