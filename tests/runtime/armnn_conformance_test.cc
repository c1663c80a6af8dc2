// octet's int8 Engine against a second, independent runtime: Arm NN 20.08
// (Debian 12's build) reading octet's .tflite files with its own TFLite parser
// and running them on its CpuRef backend.
//  - small int8 graphs built in memory, written by octet's TFLite writer;
//  - the int8 files octet converted for the shared classifiers
//    (quantized_models_test leaves them in converted/, fixture converted_models):
//    every node alone on the inputs octet computed for it, then whole files on
//    real images.
// CpuRef's quantized kernels dequantize, compute in float and requantize, so a
// value may land one step from TFLite's integer reference arithmetic (which
// octet matches): each node alone is held to 1 step. Through a whole network
// those steps compound (an ADD whose output step is half its input's doubles
// one; a softmax turns one logit step into several probability steps), so
// whole files are held to agreement measured with a margin.
// What Arm NN 20.08 cannot run or runs wrongly (armnn_ref::known_incompatibility:
// missing operators, left-out optional inputs, quantized PAD padded with 0
// instead of the zero point, per-channel FULLY_CONNECTED) is skipped with the
// reason: those differences would be Arm NN's, not octet's. Node by node, only
// the affected nodes are skipped.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "armnn_runner.h"
#include "converted_model_inputs.h"
#include "node_by_node.h"
#include "export/tflite_writer.h"
#include "graph/error.h"
#include "io/output_file.h"
#include "output_agreement.h"
#include "runtime/engine.h"
#include "unit/quantized_test_graphs.h"

namespace octet {
namespace {

using namespace export_test;
using namespace shared_models;
using namespace node_by_node;

std::vector<tfjs::OutputAgreement> compare_with_armnn(const Graph& graph, const std::vector<InputSet>& inputs,
                                                      double tolerance_steps, double float_step = 0.0) {
  return tfjs::agreement_with_engine(graph, inputs, armnn_ref::run_tflite(write_tflite(graph, "octet test"), inputs),
                                     tolerance_steps, float_step);
}

// The quantized classifier with its second FULLY_CONNECTED per-tensor: Arm NN
// 20.08 aborts on per-channel FULLY_CONNECTED weights.
Graph classifier_with_per_tensor_fc() {
  Graph g = quantized_classifier();
  g.tensor(g.find_tensor("fc2/weights")).quant = per_tensor(0.004f, 0);
  g.tensor(g.find_tensor("fc2/bias")).quant = per_tensor(0.1f * 0.004f, 0);
  return g;
}

// The logits are held to 1 step; the softmax turns a one-step logit change
// (0.3 here) into several probability steps (5 seen), so the probabilities
// are held to the same top-1.
TEST(ArmnnInt8, QuantizedClassifierLogitsWithinOneStepSameTop1) {
  Graph graph = classifier_with_per_tensor_fc();
  graph.outputs.insert(graph.outputs.begin(), graph.find_tensor("add"));
  const std::vector<tfjs::OutputAgreement> agreements =
      compare_with_armnn(graph, seeded_float_sets(graph, 50, 2.5f), 1, 1.0 / 256);
  const tfjs::OutputAgreement& logits = agreements[0];
  const tfjs::OutputAgreement& probabilities = agreements[1];
  std::printf("[ armnn ] classifier logits: %s\n", logits.summary().c_str());
  std::printf("[ armnn ] classifier probabilities: %s\n", probabilities.summary().c_str());
  EXPECT_EQ(logits.within_tolerance(), 1.0) << "worst: " << logits.worst_steps() << " steps";
  EXPECT_EQ(probabilities.top1_agreement(), 1.0);
}

TEST(ArmnnInt8, Int8EdgesWithinOneStep) {
  const Graph graph = int8_edges_graph();
  const tfjs::OutputAgreement logits = compare_with_armnn(graph, seeded_int8_sets(graph, 50), 1)[0];
  std::printf("[ armnn ] int8 edges logits: %s\n", logits.summary().c_str());
  EXPECT_EQ(logits.within_tolerance(), 1.0) << "worst: " << logits.worst_steps() << " steps";
}

// The detector that decides which files are skipped: it must see what makes
// Arm NN 20.08 abort (per-channel FULLY_CONNECTED, as in quantized_classifier)
// and let the per-tensor variant through.
TEST(ArmnnInt8, KnownIncompatibilityFindsPerChannelFullyConnected) {
  const std::string dir = ::testing::TempDir();
  const std::string per_channel = dir + "/armnn_per_channel_fc.tflite", per_tensor = dir + "/armnn_per_tensor_fc.tflite";
  write_file_atomically(per_channel, write_tflite(quantized_classifier(), "octet test"));
  write_file_atomically(per_tensor, write_tflite(classifier_with_per_tensor_fc(), "octet test"));
  EXPECT_NE(armnn_ref::known_incompatibility(per_channel).find("FULLY_CONNECTED with per-channel weights 'fc2/weights'"),
            std::string::npos)
      << armnn_ref::known_incompatibility(per_channel);
  EXPECT_EQ(armnn_ref::known_incompatibility(per_tensor), "");
}

TEST(ArmnnInt8, ARejectedModelIsAOneLineError) {
  const Bytes not_a_model{'n', 'o', 't', ' ', 'T', 'F', 'L', '3'};
  try {
    armnn_ref::run_tflite(not_a_model, {{make_constant<float>("x", {1}, {0.0f})}});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadFile);
    EXPECT_NE(std::string(e.what()).find("Arm NN rejects the model"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
  }
}

// int8 depthwise convolution with pads the writer cannot express as SAME (1
// on every side at stride 2 of a 6x6 input), so the file holds an explicit
// PAD whose input has `zero_point`. Depthwise, because Arm NN folds a PAD
// into a following CONV_2D (and then pads right).
Graph padded_depthwise_graph(int64_t zero_point) {
  Graph g;
  int y = add_input(g, "pixels", {1, 6, 6, 4}, DType::Int8, per_tensor(0.02f, zero_point));
  Attributes depthwise = attrs_of({{"strides", std::vector<int64_t>{2, 2}}, {"dilations", std::vector<int64_t>{1, 1}},
                                   {"pads", std::vector<int64_t>{1, 1, 1, 1}}, {"group", int64_t{4}},
                                   {"activation", std::string("none")}});
  y = add(g, OpKind::Conv2D, "depthwise",
          {y, int8_weights(g, "depthwise/weights", {4, 3, 3, 1}, per_channel(kDepthwiseScales)),
           int32_bias(g, "depthwise/bias", 4, 0.02f, kDepthwiseScales)},
          depthwise);
  g.outputs = {quantized(g, y, per_tensor(0.03f, 5))};
  return g;
}

// Arm NN pads a quantized PAD with stored 0 (up to 9 steps off at zero point
// 5 here), which is right only when the zero point is 0: then the file
// agrees, and only otherwise is it flagged.
TEST(ArmnnInt8, ExplicitPadAgreesAtZeroPointZeroAndIsFlaggedOtherwise) {
  const Graph graph = padded_depthwise_graph(0);
  const tfjs::OutputAgreement output = compare_with_armnn(graph, seeded_int8_sets(graph, 50), 1)[0];
  std::printf("[ armnn ] explicit PAD, zero point 0: %s\n", output.summary().c_str());
  EXPECT_EQ(output.within_tolerance(), 1.0) << "worst: " << output.worst_steps() << " steps";

  const std::string dir = ::testing::TempDir();
  const std::string zero = dir + "/armnn_pad_zp0.tflite", nonzero = dir + "/armnn_pad_zp5.tflite";
  write_file_atomically(zero, write_tflite(graph, "octet test"));
  write_file_atomically(nonzero, write_tflite(padded_depthwise_graph(5), "octet test"));
  EXPECT_EQ(armnn_ref::known_incompatibility(zero), "");
  EXPECT_NE(armnn_ref::known_incompatibility(nonzero).find("PAD of 'pixels' (zero point 5)"), std::string::npos)
      << armnn_ref::known_incompatibility(nonzero);
}

// Images per whole-file comparison, spread over the evaluation images.
// CpuRef is slow (5 to 7 s per MobileNetV2 or SqueezeNet image), so fewer than
// tfjs's 1000.
constexpr size_t kImages = 100;

// Images for the node-by-node comparison: a few images already give every
// node hundreds of thousands of values.
constexpr size_t kNodeImages = 5;

// Each node of `graph` written alone and run in Arm NN on the inputs octet's
// Engine computed for it, against the Engine on the same inputs (1-step
// tolerance); nodes Arm NN 20.08 cannot run are skipped with the reason.
std::vector<NodeComparison> compare_each_node_in_armnn(const Graph& graph, const std::vector<InputSet>& inputs) {
  const std::string file = ::testing::TempDir() + "/armnn_single_node.tflite";
  return compare_each_node(
      graph, inputs, 1,
      [&](const Bytes& model) {
        write_file_atomically(file, model);
        return armnn_ref::known_incompatibility(file);
      },
      armnn_ref::run_tflite);
}

class ArmnnConverted : public ::testing::TestWithParam<Classifier> {};

TEST_P(ArmnnConverted, EachNodeWithinOneStep) {
  require_shared();
  if (IsSkipped() || HasFatalFailure()) return;
  const Classifier& c = GetParam();
  const ConvertedModel m = load_converted_model(c, kNodeImages);
  const int compared =
      expect_each_node_within_tolerance(compare_each_node_in_armnn(m.graph, m.inputs), "armnn", c.model);
  EXPECT_GT(compared, 0);
}

// The whole file on real images. Node by node (above) is the tight check;
// here per-node steps have compounded through the network and the softmax, so
// the bounds are loose enough for that (measured on 100 images: top-1 agreement
// 91 to 100 %, elements within 2 steps 89 % for ResNet8's 10 sharp classes and
// 99.2 to 100 % elsewhere) and still far from what one broken layer gives.
TEST_P(ArmnnConverted, Int8EngineAgreesWithArmnn) {
  require_shared();
  if (IsSkipped() || HasFatalFailure()) return;
  const Classifier& c = GetParam();
  const ConvertedModel m = load_converted_model(c, kImages);
  const std::string reason = armnn_ref::known_incompatibility(m.path.string());
  if (!reason.empty()) GTEST_SKIP() << "not comparable in Arm NN 20.08: " << reason;
  const tfjs::OutputAgreement agreement =
      tfjs::agreement_with_engine(m.graph, m.inputs, armnn_ref::run_tflite_file(m.path.string(), m.inputs), 2)[0];
  std::printf("[ armnn ] %-45s %s\n", c.model, agreement.summary().c_str());
  EXPECT_GE(agreement.top1_agreement(), 0.85);
  EXPECT_GE(agreement.within_tolerance(), 0.85);
}

INSTANTIATE_TEST_SUITE_P(Models, ArmnnConverted, ::testing::ValuesIn(kClassifiers), test_name);

}  // namespace
}  // namespace octet
