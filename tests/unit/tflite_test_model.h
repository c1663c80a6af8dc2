// Builds small TFLite files for importer tests: tensors, constant buffers
// (inline or stored after the flatbuffer), quantization and operators, written
// with the generated flatbuffers API; and imports them.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "graph/error.h"
#include "import/tflite_importer.h"
#include "tflite_generated.h"

namespace octet::tflite_test {

struct TestTensor {
  std::string name;
  tflite::TensorType type = tflite::TensorType_FLOAT32;
  std::vector<int32_t> shape;
  std::vector<int32_t> signature;  // shape_signature; omitted when empty
  std::vector<uint8_t> data;       // constant bytes; empty for a runtime tensor
  bool data_after_flatbuffer = false;  // Buffer.offset/size instead of Buffer.data
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
  int axis = 0;  // quantized_dimension
};

struct TestOp {
  tflite::BuiltinOperator code;
  std::vector<int32_t> inputs, outputs;
  // ADD's fused activation (the only options these tests need).
  tflite::ActivationFunctionType fused = tflite::ActivationFunctionType_NONE;
  bool legacy_code_only = false;  // as old TOCO files: only deprecated_builtin_code
  int version = 1;
};

template <typename T>
std::vector<uint8_t> bytes_of(const std::vector<T>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

struct TestModel {
  std::vector<TestTensor> tensors;
  std::vector<TestOp> ops;
  std::vector<int32_t> inputs, outputs;

  int add(TestTensor t) {
    tensors.push_back(std::move(t));
    return static_cast<int>(tensors.size()) - 1;
  }

  // The file's bytes. Data stored after the flatbuffer needs its final
  // offset, so the flatbuffer is built twice: its size does not depend on the
  // offset's value.
  std::string serialize() const {
    std::string flat = build(0);
    size_t end = (flat.size() + 15) / 16 * 16;
    flat = build(end);
    flat.resize(end, '\0');
    for (const TestTensor& t : tensors)
      if (t.data_after_flatbuffer) flat.append(t.data.begin(), t.data.end());
    return flat;
  }

 private:
  std::string build(size_t tail_start) const {
    flatbuffers::FlatBufferBuilder fbb;
    std::vector<flatbuffers::Offset<tflite::Buffer>> buffers{tflite::CreateBuffer(fbb)};
    std::vector<flatbuffers::Offset<tflite::Tensor>> tensor_offsets;
    size_t tail = tail_start;
    for (const TestTensor& t : tensors) {
      uint32_t buffer = 0;
      if (!t.data.empty()) {
        buffer = static_cast<uint32_t>(buffers.size());
        if (t.data_after_flatbuffer) {
          // Offsets 0 and 1 mean "no data"; 2 stands in during the sizing pass.
          buffers.push_back(tflite::CreateBuffer(fbb, 0, tail_start ? tail : 2, t.data.size()));
          tail += t.data.size();
        } else {
          buffers.push_back(tflite::CreateBuffer(fbb, fbb.CreateVector(t.data)));
        }
      }
      flatbuffers::Offset<tflite::QuantizationParameters> quant = 0;
      if (!t.scales.empty())
        quant = tflite::CreateQuantizationParameters(fbb, 0, 0, fbb.CreateVector(t.scales),
                                                     fbb.CreateVector(t.zero_points),
                                                     tflite::QuantizationDetails_NONE, 0, t.axis);
      auto signature = t.signature.empty() ? 0 : fbb.CreateVector(t.signature);
      tensor_offsets.push_back(tflite::CreateTensor(fbb, fbb.CreateVector(t.shape), t.type, buffer,
                                                    fbb.CreateString(t.name), quant, false, 0, signature));
    }
    std::vector<flatbuffers::Offset<tflite::OperatorCode>> codes;
    std::vector<flatbuffers::Offset<tflite::Operator>> operators;
    for (const TestOp& op : ops) {
      auto legacy = static_cast<int8_t>(op.code < 127 ? op.code : 127);
      codes.push_back(tflite::CreateOperatorCode(fbb, legacy, 0, op.version,
                                                 op.legacy_code_only ? tflite::BuiltinOperator_ADD : op.code));
      bool add = op.code == tflite::BuiltinOperator_ADD;
      operators.push_back(tflite::CreateOperator(
          fbb, static_cast<uint32_t>(codes.size() - 1), fbb.CreateVector(op.inputs), fbb.CreateVector(op.outputs),
          add ? tflite::BuiltinOptions_AddOptions : tflite::BuiltinOptions_NONE,
          add ? tflite::CreateAddOptions(fbb, op.fused).Union() : 0));
    }
    auto subgraph = tflite::CreateSubGraph(fbb, fbb.CreateVector(tensor_offsets), fbb.CreateVector(inputs),
                                           fbb.CreateVector(outputs), fbb.CreateVector(operators));
    auto model = tflite::CreateModel(fbb, 3, fbb.CreateVector(codes), fbb.CreateVector(&subgraph, 1),
                                     fbb.CreateString("octet test"), fbb.CreateVector(buffers));
    tflite::FinishModelBuffer(fbb, model);
    return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
  }
};

// `bytes` written to the test temp folder as octet_tflite_<name>.
inline std::filesystem::path temp_file(const std::string& name, const std::string& bytes) {
  std::filesystem::path path = std::filesystem::path(::testing::TempDir()) / ("octet_tflite_" + name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

inline Graph import_model(const TestModel& model, const std::string& name, const ImportOptions& options = {}) {
  return import_tflite(temp_file(name, model.serialize()).string(), options);
}

// The message of the octet::Error that `statement` throws, after checking its kind.
template <typename F>
std::string error_of(F statement, ErrorKind kind) {
  try {
    statement();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace octet::tflite_test
