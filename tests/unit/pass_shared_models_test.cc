// The float passes on real models: every model in ../shared/models and the
// bundled sample computes the same outputs after run_float_passes, and the
// CNN classifiers imported from ONNX keep no Transpose. Prints each model's
// op histogram before and after.
//
// With CI=true a missing ../shared fails; elsewhere those tests skip.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "import/load_model.h"
#include "passes/pipeline.h"
#include "pass_test_util.h"

namespace octet {
namespace {

using namespace pass_test;
namespace fs = std::filesystem;

fs::path source_dir() { return fs::path(OCTET_SOURCE_DIR); }
fs::path shared_dir() { return source_dir() / ".." / "shared"; }

void require_shared() {
  if (fs::is_directory(shared_dir())) return;
  const char* ci = std::getenv("CI");
  if (ci && std::string(ci) == "true") FAIL() << "../shared is missing at " << shared_dir() << " (needed in CI)";
  GTEST_SKIP() << "../shared not found";
}

struct Model {
  const char* path;  // under shared/models, or under the source tree for the bundled sample
  bool shared;
  // Transposes the passes must leave: fashion_pytorch's second output is its
  // NCHW-flattened features, which no layout of the first output's path gives.
  int transposes_left;
};

void PrintTo(const Model& m, std::ostream* os) { *os << m.path; }

const Model kModels[] = {
    {"imagenet/mobilenet_v1_0.25_224.tflite", true, 0},
    {"imagenet/mobilenet_v1_0.25_224.onnx", true, 0},
    {"imagenet/mobilenet_v1_0.5_160.onnx", true, 0},
    {"imagenet/mobilenet_v2_1.0_224.tflite", true, 0},
    {"imagenet/mobilenet_v2_1.0_224_bn.onnx", true, 0},
    {"imagenet/squeezenet1.0.onnx", true, 0},
    {"cifar10/resnet8.tflite", true, 0},
    {"cifar10/resnet8.onnx", true, 0},
    {"mnist/mnist_cntk_opset7.onnx", true, 0},
    {"mnist/mnist_pytorch_opset11.onnx", true, 0},
    {"fashion_mnist/fashion_keras.tflite", true, 0},
    {"fashion_mnist/fashion_pytorch_opset10.onnx", true, 1},
    {"kws/ds_cnn_l.onnx", true, 0},
    {"vww/person_96.tflite", true, 0},
    {"misc/hello_world_float.tflite", true, 0},
    {"models/fashion_mnist/fashion_mobilenet.onnx", false, 0},
};

// Transposes from which the first (classifier) output can be reached.
int transposes_before_first_output(const Graph& g) {
  const std::vector<int> producer = g.producers();
  std::vector<bool> seen(g.nodes.size(), false);
  std::vector<int> work{producer[g.outputs[0]]};
  int transposes = 0;
  while (!work.empty()) {
    const int n = work.back();
    work.pop_back();
    if (n == kNoTensor || seen[n]) continue;
    seen[n] = true;
    transposes += g.nodes[n].op == OpKind::Transpose;
    for (int t : g.nodes[n].inputs)
      if (t != kNoTensor) work.push_back(producer[t]);
  }
  return transposes;
}

// Every output within 1e-4 of the reference, relative to the largest reference value.
void expect_close_outputs(const Graph& before, const Graph& after) {
  ASSERT_EQ(before.inputs.size(), 1u);
  const Shape& shape = before.tensor(before.inputs[0]).shape;
  const std::vector<float> input = seeded_values(element_count(shape), 42);
  std::vector<float> input_after = input;
  if (after.tensor(after.inputs[0]).shape != shape) {
    ASSERT_EQ(after.tensor(after.inputs[0]).shape, (Shape{shape[0], shape[2], shape[3], shape[1]}));
    input_after = nchw_to_nhwc(input, shape);
  }
  const auto want = run(before, {input}), got = run(after, {input_after});
  ASSERT_EQ(want.size(), got.size());
  for (size_t o = 0; o < want.size(); ++o) {
    ASSERT_EQ(want[o].size(), got[o].size());
    float scale = 0, worst = 0;
    for (size_t i = 0; i < want[o].size(); ++i) {
      scale = std::max(scale, std::abs(want[o][i]));
      worst = std::max(worst, std::abs(want[o][i] - got[o][i]));
    }
    std::printf("[ passes ]   output %zu: max |diff| %.3g, max |value| %.3g\n", o, worst, scale);
    EXPECT_LE(worst, 1e-4f * std::max(scale, 1e-3f)) << "output " << o;
  }
}

class PassesOnModel : public ::testing::TestWithParam<Model> {};

TEST_P(PassesOnModel, KeepOutputsAndLeaveNoTranspose) {
  const Model& m = GetParam();
  if (m.shared) {
    require_shared();
    if (IsSkipped() || HasFatalFailure()) return;
  }
  const fs::path path = m.shared ? shared_dir() / "models" / m.path : source_dir() / m.path;
  const Graph before = load_model(path.string());
  const Graph after = run_float_passes(before);
  std::printf("[ passes ] %s\n[ passes ]   before %3zu nodes: %s\n[ passes ]   after  %3zu nodes: %s\n", m.path,
              before.nodes.size(), histogram_string(before).c_str(), after.nodes.size(),
              histogram_string(after).c_str());
  EXPECT_EQ(transposes_before_first_output(after), 0) << dump(after);
  EXPECT_EQ(count_op(after, OpKind::Transpose), m.transposes_left);
  EXPECT_EQ(count_op(after, OpKind::BatchNorm), 0);
  EXPECT_EQ(count_op(after, OpKind::Identity), 0);
  expect_close_outputs(before, after);
}

std::string test_name(const ::testing::TestParamInfo<Model>& info) {
  std::string name = info.param.path;
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Models, PassesOnModel, ::testing::ValuesIn(kModels), test_name);

}  // namespace
}  // namespace octet
