#include "quant/quantize_graph.h"

#include "graph/error.h"
#include "ops/quantize.h"
#include "passes/quantize_passes.h"

namespace octet::quant {
namespace {

DType dtype_of(IoType io) { return io == IoType::UInt8 ? DType::UInt8 : DType::Int8; }

// uint8 carries the int8 real values with its zero point 128 higher.
QuantParams edge_params(const QuantParams& int8, IoType io) {
  QuantParams p = int8;
  if (io == IoType::UInt8) p.zero_points[0] += 128;
  return p;
}

// Gives the graph integer inputs and outputs, expressed with Quantize and
// Dequantize nodes that cancel_quantize_pairs then folds: an integer input
// X feeds Dequantize(X) -> the old float input; an old float output feeds
// Quantize -> the new integer output.
// Plan ids are the float graph's; the float edge tensors keep their names.
void integer_edges(Graph& graph, const Graph& float_graph, const QuantPlan& plan, IoType io) {
  auto planned = [&](int t) -> const QuantParams& { return plan.params(float_graph.find_tensor(graph.tensor(t).name)); };
  Rewriter rw(graph);
  for (int& input : graph.inputs) {
    if (graph.tensor(input).dtype != DType::Float32) continue;
    Tensor edge;
    edge.name = graph.tensor(input).name + kInt8Suffix;
    edge.dtype = dtype_of(io);
    edge.shape = graph.tensor(input).shape;
    edge.quant = edge_params(planned(input), io);
    const int x = graph.add_tensor(std::move(edge));
    rw.add_node_writing(OpKind::Dequantize, graph.tensor(input).name + "/dequantize", {x},
                        dequantize_attrs(graph.tensor(x).quant), {input});
    input = x;
  }
  for (size_t i = 0; i < graph.outputs.size(); ++i) {
    const int output = graph.outputs[i];
    if (graph.tensor(output).dtype != DType::Float32) continue;
    const int q = rw.add_node(OpKind::Quantize, graph.tensor(output).name + kInt8Suffix, {output},
                              quantize_attrs(dtype_of(io), edge_params(planned(output), io)));
    graph.outputs[i] = graph.nodes[q].outputs[0];
  }
  rw.finish();
}

// Every node but the Quantize / Dequantize at float edges must now be integer.
void check_fully_integer(const Graph& graph) {
  for (const Node& n : graph.nodes) {
    if (n.op == OpKind::Quantize || n.op == OpKind::Dequantize) continue;
    for (int t : n.outputs)
      if (graph.tensor(t).dtype == DType::Float32)
        fail(ErrorKind::Internal, "node '" + n.name + "' (" + op_name(n.op) + ") is still float after quantization");
  }
}

}  // namespace

IoType parse_io_type(const std::string& name) {
  if (name == "int8") return IoType::Int8;
  if (name == "uint8") return IoType::UInt8;
  if (name == "float") return IoType::Float;
  fail(ErrorKind::Usage, "--io must be int8, uint8 or float, not '" + name + "'");
}

const char* io_type_name(IoType io) {
  switch (io) {
    case IoType::Int8: return "int8";
    case IoType::UInt8: return "uint8";
    case IoType::Float: return "float";
  }
  return "?";
}

QuantizedModel quantize_graph(const Graph& float_graph, const calib::CalibrationResult& calibration,
                              const QuantOptions& options, IoType io) {
  QuantizedModel model{float_graph, plan_quantization(float_graph, calibration, options)};
  model.graph = insert_quantize_dequantize(std::move(model.graph), model.plan);
  if (io != IoType::Float) integer_edges(model.graph, float_graph, model.plan, io);
  model.graph = cancel_quantize_pairs(std::move(model.graph));
  adopt_source_names(model.graph);
  check_fully_integer(model.graph);
  return model;
}

}  // namespace octet::quant
