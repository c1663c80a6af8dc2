// The TFLite writer on the float models of shared/: importing the written file
// gives back a graph that computes the same outputs, bit for bit, on seeded
// inputs; for TFLite sources it also has the same operators. ONNX sources are
// written as imported, their layout transposes as TRANSPOSE operators (no
// pass but remove_identity runs).
#include <gtest/gtest.h>

#include <cctype>

#include "export_test_util.h"
#include "import/load_model.h"
#include "passes/passes.h"

namespace octet {
namespace {

using namespace export_test;

std::string test_name(const ::testing::TestParamInfo<const char*>& info) {
  std::string name = info.param;
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

// Imports shared/models/<model>, writes it, imports the result again.
// Identity nodes (ONNX Identity, Dropout), which TFLite lacks, are dropped
// first by the remove_identity pass.
struct RoundTrip {
  Graph original, written;
};

RoundTrip round_trip(const std::string& model) {
  RoundTrip r;
  r.original = remove_identity(load_model((shared_dir() / "models" / model).string()));
  r.written = reimport(r.original, test_name({model.c_str(), 0}));
  return r;
}

class ExportFloatTflite : public ::testing::TestWithParam<const char*> {};

TEST_P(ExportFloatTflite, ReimportsWithSameOperatorsAndOutputs) {
  REQUIRE_SHARED_DIR();
  const RoundTrip r = round_trip(GetParam());
  EXPECT_EQ(op_histogram(r.written), op_histogram(r.original));
  EXPECT_EQ(run_seeded(r.written, 11), run_seeded(r.original, 11));
}

INSTANTIATE_TEST_SUITE_P(Models, ExportFloatTflite,
                         ::testing::Values("imagenet/mobilenet_v1_0.25_224.tflite",
                                           "imagenet/mobilenet_v2_1.0_224.tflite", "cifar10/resnet8.tflite",
                                           "fashion_mnist/fashion_keras.tflite", "vww/person_96.tflite",
                                           "misc/hello_world_float.tflite"),
                         test_name);

class ExportFloatOnnx : public ::testing::TestWithParam<const char*> {};

TEST_P(ExportFloatOnnx, ReimportsWithSameOutputs) {
  REQUIRE_SHARED_DIR();
  const RoundTrip r = round_trip(GetParam());
  EXPECT_EQ(run_seeded(r.written, 23), run_seeded(r.original, 23));
}

// The ONNX models of shared/ without BatchNorm (which TFLite lacks until the
// fold_batch_norm pass removes it).
INSTANTIATE_TEST_SUITE_P(Models, ExportFloatOnnx,
                         ::testing::Values("imagenet/mobilenet_v1_0.25_224.onnx", "cifar10/resnet8.onnx",
                                           "mnist/mnist_cntk_opset7.onnx", "mnist/mnist_pytorch_opset11.onnx",
                                           "fashion_mnist/fashion_pytorch_opset10.onnx",
                                           "imagenet/squeezenet1.0.onnx", "kws/ds_cnn_l.onnx"),
                         test_name);

TEST(ExportDeterminism, SameGraphGivesSameBytes) {
  REQUIRE_SHARED_DIR();
  const Graph graph = load_model((shared_dir() / "models/imagenet/mobilenet_v2_1.0_224.tflite").string());
  const Bytes first = write_tflite(graph, "octet");
  EXPECT_EQ(write_tflite(graph, "octet"), first);
  EXPECT_EQ(write_tflite(load_model((shared_dir() / "models/imagenet/mobilenet_v2_1.0_224.tflite").string()), "octet"),
            first);
}

}  // namespace
}  // namespace octet
