#include "export/tflite_writer.h"

#include "export/tflite_model_builder.h"
#include "export/tflite_op_writer.h"
#include "ops/op_def.h"

namespace octet {

Bytes write_tflite(const Graph& graph, const std::string& description) {
  graph.verify();
  TfliteModelBuilder model(graph);
  for (int id : graph.inputs) model.tensor_for(id);  // inputs take the first tensor indices
  for (const Node& node : graph.nodes) {
    TfliteOpWriter writer(model, graph, node);
    const OpDef& def = op_def(node.op);
    if (!def.write_tflite) writer.unsupported("octet has no TFLite mapping for this op");
    def.write_tflite(writer, node);
  }
  return model.finish(description);
}

}  // namespace octet
