// The model-level half of the TFLite writer: numbers the file's tensors,
// gives every constant its own buffer, collects operator codes in order of
// first use and operators in execution order, and finishes the flatbuffer.
#pragma once
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "export/tflite_op_writer.h"
#include "graph/graph.h"
#include "tflite_generated.h"

namespace octet {

class TfliteModelBuilder {
 public:
  explicit TfliteModelBuilder(const Graph& graph);

  flatbuffers::FlatBufferBuilder& fbb() { return fbb_; }

  // The file tensor of IR tensor `id`, created on first use.
  int tensor_for(int id);
  // A tensor that is not in the IR (derived constant or intermediate), its
  // name made unique in the file.
  int add_tensor(Tensor tensor);
  // Internal error when an input is neither a constant, a graph input nor the
  // output of an earlier operator, or when an output is written twice.
  void add_operator(const TfliteOperator& op);

  // The finished model (schema version 3, one subgraph "main", signature
  // "serving_default"); Internal error when a graph output was never written
  // or the result does not verify.
  Bytes finish(const std::string& description);

 private:
  const Graph& graph_;
  flatbuffers::FlatBufferBuilder fbb_;
  std::vector<Tensor> tensors_;                // file tensors, in index order
  std::unordered_map<int, int> file_index_;    // IR tensor id -> file tensor
  std::set<std::string> names_;                // every name used or reserved
  std::vector<bool> available_;                // per file tensor: readable now
  std::map<std::pair<int, int>, int> code_index_;  // (builtin, version) -> operator code
  std::vector<std::pair<int, int>> codes_;         // in order of first use
  std::vector<flatbuffers::Offset<tflite::Operator>> operators_;

  int append(Tensor tensor, bool available);
  std::string unique_name(const std::string& base) const;
  int code_for(tflite::BuiltinOperator code, int version);
  flatbuffers::Offset<tflite::Tensor> write_tensor(const Tensor& tensor, uint32_t buffer);
  flatbuffers::Offset<tflite::SignatureDef> serving_signature(const std::vector<int>& inputs,
                                                              const std::vector<int>& outputs);
};

}  // namespace octet
