// Pass insert_quantize_dequantize: see quantize_passes.h. The plan has
// already decided every parameter; this pass only rewires.
#include "ops/op_def.h"
#include "ops/quantize.h"
#include "passes/quantize_passes.h"
#include "quant/weights.h"

namespace octet {
namespace {

bool is_float_activation(const Tensor& t) { return t.dtype == DType::Float32 && !t.is_constant(); }

class Inserter {
 public:
  Inserter(Rewriter& rw, const quant::QuantPlan& plan) : rw_(rw), plan_(plan) {}

  // Node n, if the plan made it int8.
  void quantize_node(int n) {
    const Node node = rw_.node(n);  // a copy: adding nodes moves the vector
    const QuantTraits& traits = op_def(node.op).quant;
    if (!planned(node)) return;
    for (size_t slot = 0; slot < node.inputs.size(); ++slot) {
      const int t = node.inputs[slot];
      if (t == kNoTensor || rw_.tensor(t).dtype != DType::Float32) continue;
      const int s = static_cast<int>(slot);
      if (s == traits.weights) {
        set_constant(n, slot, quant::quantize_weights(rw_.tensor(t), plan_.weights.at(n).scales));
      } else if (s == traits.bias) {
        const float input_scale = plan_.input_params(rw_.graph(), node, 0).scales[0];
        const quant::WeightPlan& w = plan_.weights.at(n);
        const Tensor& bias = rw_.tensor(t);
        set_constant(n, slot, quant::quantize_bias(w.bias.empty() ? bias : make_constant(bias.name, bias.shape, w.bias),
                                                   input_scale, w.scales));
      } else if (rw_.tensor(t).is_constant()) {
        set_constant(n, slot, quant::quantize_constant(rw_.tensor(t), plan_.input_params(rw_.graph(), node, slot)));
      } else {
        const QuantParams& params = plan_.input_params(rw_.graph(), node, slot);
        const int q = rw_.add_node(OpKind::Quantize, int8_name(t), {t}, quantize_attrs(DType::Int8, params));
        rw_.set_input(n, slot, rw_.node(q).outputs[0]);
      }
    }
    std::vector<std::pair<int, int>> float_and_int8;
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      const int t = node.outputs[i];
      if (rw_.tensor(t).dtype != DType::Float32) continue;
      const int q = rw_.add_tensor(int8_name(t));
      rw_.set_output(n, i, q);
      float_and_int8.emplace_back(t, q);
    }
    rw_.reinfer(n);
    for (auto [t, q] : float_and_int8) {
      const QuantParams& params = plan_.params(t);
      rw_.tensor(q).quant = params;
      rw_.add_node_writing(OpKind::Dequantize, rw_.tensor(t).name + "/dequantize", {q},
                           dequantize_attrs(params), {t});
    }
  }

 private:
  Rewriter& rw_;
  const quant::QuantPlan& plan_;

  // The planner covered exactly the nodes that touch float activations.
  bool planned(const Node& node) {
    for (int t : node.outputs)
      if (rw_.tensor(t).dtype == DType::Float32) return true;
    for (int t : node.inputs)
      if (t != kNoTensor && is_float_activation(rw_.tensor(t))) return true;
    return false;
  }

  std::string int8_name(int t) { return rw_.tensor(t).name + kInt8Suffix; }

  void set_constant(int n, size_t slot, Tensor constant) {
    constant.name += kInt8Suffix;
    rw_.set_input(n, slot, rw_.add_constant(std::move(constant)));
  }
};

}  // namespace

Graph insert_quantize_dequantize(Graph graph, const quant::QuantPlan& plan) {
  Rewriter rw(graph);
  Inserter inserter(rw, plan);
  const int original = rw.node_count();
  for (int n = 0; n < original; ++n) inserter.quantize_node(n);
  rw.finish();
  return graph;
}

}  // namespace octet
