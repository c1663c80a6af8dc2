// STUB: to be written.
#include "import/tflite_importer.h"
#include "graph/error.h"
namespace octet {
Graph import_tflite(const std::string& path, const ImportOptions&) { fail(ErrorKind::Unsupported, path + ": TFLite import not written yet"); }
TfliteOpImporter::TfliteOpImporter(Graph& graph, std::unordered_map<std::string, int>& values,
                   const tflite::Operator& op, tflite::BuiltinOperator code, int version,
                   std::vector<int> input_ids, std::vector<std::string> output_names,
                   std::string node_name)
    : NodeBuilder(graph, values, node_name, "", output_names), op_(op), code_(code), version_(version), inputs_(input_ids) {}
int TfliteOpImporter::input(size_t i) const { return inputs_.at(i); }
std::vector<int64_t> TfliteOpImporter::constant_ints(size_t i) const { return octet::constant_ints(input_tensor(i)); }
void TfliteOpImporter::set_activation(Attributes&, tflite::ActivationFunctionType) const {}
}  // namespace octet
