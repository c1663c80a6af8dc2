// The TFLite writer on quantized graphs built by hand as the quantizer lays
// them out: int8 activations with per-tensor parameters, int8 weights with
// per-channel parameters on axis 0, int32 biases, Quantize / Dequantize at the
// edges. The written file is read back with the flatbuffers API: operator
// codes (both fields), versions, tensor types, scales, zero points,
// quantized_dimension, the depthwise filter's layout and buffer alignment.
#include <gtest/gtest.h>

#include <set>

#include "export/tflite_model_builder.h"
#include "export_test_util.h"
#include "graph/error.h"
#include "ops/quantize.h"
#include "quantized_test_graphs.h"
#include "tflite_generated.h"

namespace octet {
namespace {

using namespace export_test;

class QuantizedFile : public ::testing::Test {
 protected:
  void SetUp() override {
    bytes_ = write_tflite(quantized_classifier(), "octet int8");
    model_ = tflite::GetModel(bytes_.data());
    subgraph_ = model_->subgraphs()->Get(0);
  }

  const tflite::Tensor* tensor(const std::string& name) const {
    for (const tflite::Tensor* t : *subgraph_->tensors())
      if (t->name()->str() == name) return t;
    ADD_FAILURE() << "no tensor " << name;
    return nullptr;
  }
  std::vector<float> scales(const std::string& name) const {
    const auto* s = tensor(name)->quantization()->scale();
    return std::vector<float>(s->begin(), s->end());
  }
  std::vector<int64_t> zero_points(const std::string& name) const {
    const auto* z = tensor(name)->quantization()->zero_point();
    return std::vector<int64_t>(z->begin(), z->end());
  }
  std::vector<int32_t> shape(const std::string& name) const {
    const auto* s = tensor(name)->shape();
    return std::vector<int32_t>(s->begin(), s->end());
  }
  const tflite::Buffer* buffer(const std::string& name) const {
    return model_->buffers()->Get(tensor(name)->buffer());
  }

  Bytes bytes_;
  const tflite::Model* model_ = nullptr;
  const tflite::SubGraph* subgraph_ = nullptr;
};

TEST_F(QuantizedFile, VerifiesAndHasTheModelHeader) {
  flatbuffers::Verifier verifier(bytes_.data(), bytes_.size());
  EXPECT_TRUE(tflite::VerifyModelBuffer(verifier));
  EXPECT_TRUE(tflite::ModelBufferHasIdentifier(bytes_.data()));
  EXPECT_EQ(model_->version(), 3u);
  EXPECT_EQ(model_->description()->str(), "octet int8");
  EXPECT_EQ(model_->subgraphs()->size(), 1u);
  EXPECT_EQ(model_->buffers()->Get(0)->data(), nullptr);  // the empty sentinel
  EXPECT_EQ(subgraph_->name()->str(), "main");
  ASSERT_EQ(model_->signature_defs()->size(), 1u);
  const tflite::SignatureDef* signature = model_->signature_defs()->Get(0);
  EXPECT_EQ(signature->signature_key()->str(), "serving_default");
  EXPECT_EQ(signature->inputs()->Get(0)->name()->str(), "input");
  EXPECT_EQ(signature->inputs()->Get(0)->tensor_index(), static_cast<uint32_t>(subgraph_->inputs()->Get(0)));
  EXPECT_EQ(signature->outputs()->Get(0)->name()->str(), "probabilities");
}

TEST_F(QuantizedFile, OperatorCodesVersionsAndOrder) {
  struct Expected {
    tflite::BuiltinOperator code;
    int version;
  };
  // Versions from TFLite's op_version.cc for these int8 signatures.
  const std::vector<Expected> expected{
      {tflite::BuiltinOperator_QUANTIZE, 1},         {tflite::BuiltinOperator_CONV_2D, 3},
      {tflite::BuiltinOperator_DEPTHWISE_CONV_2D, 3}, {tflite::BuiltinOperator_AVERAGE_POOL_2D, 2},
      {tflite::BuiltinOperator_RESHAPE, 1},          {tflite::BuiltinOperator_FULLY_CONNECTED, 4},
      {tflite::BuiltinOperator_FULLY_CONNECTED, 4},  {tflite::BuiltinOperator_ADD, 2},
      {tflite::BuiltinOperator_SOFTMAX, 2},          {tflite::BuiltinOperator_DEQUANTIZE, 2}};
  ASSERT_EQ(subgraph_->operators()->size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const tflite::OperatorCode* code = model_->operator_codes()->Get(subgraph_->operators()->Get(i)->opcode_index());
    SCOPED_TRACE(tflite::EnumNameBuiltinOperator(expected[i].code));
    EXPECT_EQ(code->builtin_code(), expected[i].code);
    EXPECT_EQ(code->deprecated_builtin_code(), static_cast<int8_t>(expected[i].code));
    EXPECT_EQ(code->version(), expected[i].version);
  }
  // Operator codes are listed once each, in order of first use.
  EXPECT_EQ(model_->operator_codes()->size(), 9u);
  EXPECT_EQ(model_->operator_codes()->Get(5)->builtin_code(), tflite::BuiltinOperator_FULLY_CONNECTED);
  EXPECT_EQ(model_->operator_codes()->Get(6)->builtin_code(), tflite::BuiltinOperator_ADD);
}

TEST_F(QuantizedFile, ActivationTypesAndParameters) {
  EXPECT_EQ(tensor("input")->type(), tflite::TensorType_FLOAT32);
  EXPECT_EQ(tensor("input")->quantization(), nullptr);
  EXPECT_EQ(tensor("quantize")->type(), tflite::TensorType_INT8);
  EXPECT_EQ(scales("quantize"), std::vector<float>{0.02f});
  EXPECT_EQ(zero_points("quantize"), std::vector<int64_t>{-3});
  EXPECT_EQ(scales("softmax"), std::vector<float>{1.0f / 256});
  EXPECT_EQ(zero_points("softmax"), std::vector<int64_t>{-128});
  EXPECT_EQ(tensor("probabilities")->type(), tflite::TensorType_FLOAT32);
  EXPECT_EQ(subgraph_->inputs()->size(), 1u);
  EXPECT_EQ(subgraph_->tensors()->Get(subgraph_->inputs()->Get(0))->name()->str(), "input");
  EXPECT_EQ(subgraph_->tensors()->Get(subgraph_->outputs()->Get(0))->name()->str(), "probabilities");
}

TEST_F(QuantizedFile, ConvolutionWeightsAndBiasesPerChannel) {
  EXPECT_EQ(tensor("conv/weights")->type(), tflite::TensorType_INT8);
  EXPECT_EQ(shape("conv/weights"), (std::vector<int32_t>{4, 3, 3, 3}));
  EXPECT_EQ(scales("conv/weights"), kConvScales);
  EXPECT_EQ(zero_points("conv/weights"), std::vector<int64_t>(4, 0));
  EXPECT_EQ(tensor("conv/weights")->quantization()->quantized_dimension(), 0);
  EXPECT_EQ(tensor("conv/bias")->type(), tflite::TensorType_INT32);
  EXPECT_EQ(scales("conv/bias"), (std::vector<float>{0.02f * 0.01f, 0.02f * 0.02f, 0.02f * 0.03f, 0.02f * 0.04f}));
  EXPECT_EQ(tensor("conv/bias")->quantization()->quantized_dimension(), 0);
  EXPECT_EQ(buffer("conv/bias")->data()->size(), 16u);
}

TEST_F(QuantizedFile, DepthwiseFilterIsStoredOneByKhByKwByChannels) {
  const tflite::Operator* op = subgraph_->operators()->Get(2);
  const tflite::Tensor* filter = subgraph_->tensors()->Get(op->inputs()->Get(1));
  EXPECT_EQ(std::vector<int32_t>(filter->shape()->begin(), filter->shape()->end()),
            (std::vector<int32_t>{1, 3, 3, 4}));
  EXPECT_EQ(filter->type(), tflite::TensorType_INT8);
  EXPECT_EQ(filter->quantization()->quantized_dimension(), 3);
  EXPECT_EQ(std::vector<float>(filter->quantization()->scale()->begin(), filter->quantization()->scale()->end()),
            kDepthwiseScales);
  EXPECT_EQ(op->builtin_options_as_DepthwiseConv2DOptions()->depth_multiplier(), 1);
  EXPECT_EQ(op->builtin_options_as_DepthwiseConv2DOptions()->stride_h(), 2);
  // IR weight [c,ky,kx,0] (element (c*3+ky)*3+kx, value ((that)*7 % 11) - 5)
  // lands at [0,ky,kx,c] (element (ky*3+kx)*4+c).
  const auto* data = model_->buffers()->Get(filter->buffer())->data();
  for (int c = 0; c < 4; ++c)
    for (int tap = 0; tap < 9; ++tap)
      EXPECT_EQ(static_cast<int8_t>(data->Get(tap * 4 + c)), static_cast<int8_t>((c * 9 + tap) * 7 % 11 - 5));
  // The convolution's pads [0,0,1,1] on 8 pixels at stride 2 are TFLite's SAME.
  EXPECT_EQ(op->builtin_options_as_DepthwiseConv2DOptions()->padding(), tflite::Padding_SAME);
}

TEST_F(QuantizedFile, FullyConnectedWeightsPerTensorOrPerChannel) {
  EXPECT_EQ(scales("fc/weights"), std::vector<float>{0.003f});
  EXPECT_EQ(tensor("fc/weights")->quantization()->quantized_dimension(), 0);
  EXPECT_EQ(scales("fc2/weights").size(), 10u);
  EXPECT_EQ(scales("fc2/weights")[3], 0.008f);
  EXPECT_EQ(tensor("fc2/weights")->quantization()->quantized_dimension(), 0);
  EXPECT_EQ(tensor("fc/bias")->type(), tflite::TensorType_INT32);
}

TEST_F(QuantizedFile, EveryConstantHasItsOwnAlignedBuffer) {
  std::set<uint32_t> used;
  for (const tflite::Tensor* t : *subgraph_->tensors()) {
    const tflite::Buffer* b = model_->buffers()->Get(t->buffer());
    if (t->buffer() == 0) continue;
    EXPECT_TRUE(used.insert(t->buffer()).second) << t->name()->str();
    ASSERT_NE(b->data(), nullptr);
    EXPECT_EQ((b->data()->data() - bytes_.data()) % 16, 0) << t->name()->str();
  }
  EXPECT_EQ(used.size(), model_->buffers()->size() - 1);
  EXPECT_EQ(buffer("quantize")->data(), nullptr);
}

TEST(ExportQuantized, WritingTwiceGivesTheSameBytes) {
  EXPECT_EQ(write_tflite(quantized_classifier(), "d"), write_tflite(quantized_classifier(), "d"));
}

TEST(ExportQuantized, UnsignedEdgesRequantize) {
  const Bytes bytes = write_tflite(unsigned_edges_graph(), "");
  const tflite::Model* model = tflite::GetModel(bytes.data());
  const tflite::SubGraph* sg = model->subgraphs()->Get(0);
  EXPECT_EQ(sg->tensors()->Get(sg->inputs()->Get(0))->type(), tflite::TensorType_UINT8);
  EXPECT_EQ(sg->tensors()->Get(sg->outputs()->Get(0))->type(), tflite::TensorType_UINT8);
  EXPECT_EQ(sg->tensors()->Get(sg->outputs()->Get(0))->quantization()->zero_point()->Get(0), 0);
  std::vector<std::string> ops;
  for (const tflite::Operator* op : *sg->operators()) {
    const tflite::OperatorCode* code = model->operator_codes()->Get(op->opcode_index());
    ops.push_back(std::string(tflite::EnumNameBuiltinOperator(code->builtin_code())) + " v" +
                  std::to_string(code->version()));
  }
  EXPECT_EQ(ops, (std::vector<std::string>{"QUANTIZE v1", "RELU v2", "QUANTIZE v1"}));
}

TEST(ExportQuantized, QuantizedPaddingUsesTheZeroPointAndClampsKeepTheScale) {
  Graph g;
  const QuantParams q = per_tensor(0.5f, 10);
  const int x = add_input(g, "x", {1, 4, 4, 2}, DType::Int8, q);
  int y = add(g, OpKind::Pad, "pad", {x},
              attrs_of({{"pads", std::vector<int64_t>{0, 1, 1, 0, 0, 1, 1, 0}}, {"value", 2.0f}}));
  y = quantized(g, y, q);
  g.outputs = {quantized(g, add(g, OpKind::Clip, "clip", {y}, attrs_of({{"min", -3.0f}, {"max", 4.0f}})), q)};
  const Bytes bytes = write_tflite(g, "");
  const tflite::Model* model = tflite::GetModel(bytes.data());
  const tflite::SubGraph* sg = model->subgraphs()->Get(0);
  ASSERT_EQ(sg->operators()->size(), 3u);  // PADV2, MAXIMUM, MINIMUM
  // PADV2's value 2.0 at scale 0.5, zero point 10 is stored as 14; the clamp
  // bounds -3 and 4 as 4 and 18, all with the input's parameters.
  const std::vector<int8_t> stored{14, 4, 18};
  const std::vector<int> operand{2, 1, 1};
  for (int i = 0; i < 3; ++i) {
    const tflite::Tensor* c = sg->tensors()->Get(sg->operators()->Get(i)->inputs()->Get(operand[i]));
    EXPECT_EQ(c->type(), tflite::TensorType_INT8);
    EXPECT_EQ(static_cast<int8_t>(model->buffers()->Get(c->buffer())->data()->Get(0)), stored[i]);
    EXPECT_EQ(c->quantization()->scale()->Get(0), 0.5f);
    EXPECT_EQ(c->quantization()->zero_point()->Get(0), 10);
  }
  // A clamp that changes the quantization has no MAXIMUM / MINIMUM form.
  g.tensor(g.outputs[0]).quant = per_tensor(0.25f, 10);
  EXPECT_THROW(write_tflite(g, ""), Error);
}

// Kernels that copy stored values (RESHAPE here) cannot change the scale.
TEST(ExportQuantized, CopyingOpsMustKeepTheQuantization) {
  Graph g;
  const int x = add_input(g, "x", {1, 4}, DType::Int8, per_tensor(0.5f, 0));
  g.outputs = {quantized(g, add(g, OpKind::Reshape, "flat", {x}, attrs_of({{"shape", std::vector<int64_t>{4}}})),
                         per_tensor(0.5f, 0))};
  EXPECT_NO_THROW(write_tflite(g, ""));
  g.tensor(g.outputs[0]).quant = per_tensor(0.25f, 0);
  try {
    write_tflite(g, "");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unsupported);
    EXPECT_NE(std::string(e.what()).find("node 'flat' (Reshape)"), std::string::npos) << e.what();
  }
}

// TFLite's CONV_2D kernel requires a bias; a quantized one is int32 zeros at
// scale input scale * weight scale, per channel.
TEST(ExportQuantized, MissingConvolutionBiasIsInt32Zeros) {
  Graph g;
  const int x = add_input(g, "x", {1, 4, 4, 3}, DType::Int8, per_tensor(0.5f, 0));
  Attributes conv = attrs_of({{"strides", std::vector<int64_t>{1, 1}}, {"dilations", std::vector<int64_t>{1, 1}},
                              {"pads", std::vector<int64_t>{0, 0, 0, 0}}, {"group", int64_t{1}}});
  const int w = int8_weights(g, "w", {4, 1, 1, 3}, per_channel(kConvScales));
  g.outputs = {quantized(g, add(g, OpKind::Conv2D, "conv", {x, w}, conv), per_tensor(0.1f, 0))};
  const Bytes bytes = write_tflite(g, "");
  const tflite::Model* model = tflite::GetModel(bytes.data());
  const tflite::SubGraph* sg = model->subgraphs()->Get(0);
  const tflite::Tensor* bias = sg->tensors()->Get(sg->operators()->Get(0)->inputs()->Get(2));
  EXPECT_EQ(bias->type(), tflite::TensorType_INT32);
  EXPECT_EQ(std::vector<float>(bias->quantization()->scale()->begin(), bias->quantization()->scale()->end()),
            (std::vector<float>{0.5f * 0.01f, 0.5f * 0.02f, 0.5f * 0.03f, 0.5f * 0.04f}));
  EXPECT_EQ(bias->quantization()->quantized_dimension(), 0);
  EXPECT_EQ(model->buffers()->Get(bias->buffer())->data()->size(), 16u);
}

// Codes from 127 up exist only in builtin_code; the legacy byte holds 127.
TEST(ExportModelBuilder, LargeOperatorCodesUseThePlaceholder) {
  Graph g;
  const int x = add_input(g, "x", {4});
  const int y = g.add_tensor(Tensor{"y", DType::Float32, {4}, nullptr, {}});
  g.outputs = {y};
  TfliteModelBuilder builder(g);
  builder.add_operator({tflite::BuiltinOperator_GELU, 1, {builder.tensor_for(x)}, {builder.tensor_for(y)}});
  const Bytes bytes = builder.finish("");
  const tflite::OperatorCode* code = tflite::GetModel(bytes.data())->operator_codes()->Get(0);
  EXPECT_EQ(code->builtin_code(), tflite::BuiltinOperator_GELU);
  EXPECT_EQ(code->deprecated_builtin_code(), tflite::BuiltinOperator_PLACEHOLDER_FOR_GREATER_OP_CODES);
}

TEST(ExportModelBuilder, ReadingATensorBeforeItIsWrittenIsAnInternalError) {
  Graph g;
  const int x = add_input(g, "x", {4});
  const int y = g.add_tensor(Tensor{"y", DType::Float32, {4}, nullptr, {}});
  const int z = g.add_tensor(Tensor{"z", DType::Float32, {4}, nullptr, {}});
  g.outputs = {z};
  TfliteModelBuilder builder(g);
  try {
    builder.add_operator({tflite::BuiltinOperator_RELU, 1, {builder.tensor_for(y)}, {builder.tensor_for(z)}});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Internal);
  }
  (void)x;
}

}  // namespace
}  // namespace octet
