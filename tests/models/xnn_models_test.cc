// Every shared float model, after the float passes (the graph calibration
// runs), gives the same outputs on the Engine's fast path (XNNPACK, and our
// depthwise and 1x1 kernels) as on its reference kernels, to float rounding,
// on real inputs; and no convolution, fully-connected or pooling node is
// left to the reference kernels.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "import/load_model.h"
#include "passes/pipeline.h"
#include "runtime/engine.h"
#include "shared_classifiers.h"

namespace octet {
namespace {

using namespace shared_models;

// Float rounding through a whole network (XNNPACK sums in another order):
// measured at most 2e-5 of the output's largest magnitude on these models;
// a wrong kernel parameter anywhere moves outputs by far more.
constexpr double kTolerance = 1e-4;

// The compute-heavy ops: the fast path must run every one of them.
bool must_run_fast(OpKind op) {
  return op == OpKind::Conv2D || op == OpKind::ConvTranspose2D || op == OpKind::FullyConnected ||
         op == OpKind::MaxPool2D || op == OpKind::AvgPool2D;
}

class FastAndReference {
 public:
  explicit FastAndReference(const std::string& model)
      : graph_(run_float_passes(load_model((shared_dir() / "models" / model).string()))),
        fast_(graph_),
        reference_(graph_, {true}) {
    for (const ReferenceFallback& f : fast_.reference_fallbacks()) {
      std::printf("[ reference ] %s: %s (%s): %s\n", model.c_str(), f.node.c_str(), op_name(f.op), f.reason.c_str());
      EXPECT_FALSE(must_run_fast(f.op)) << f.node << ": " << f.reason;
    }
  }

  const Graph& graph() const { return graph_; }

  // Runs both engines on one input; every output must agree.
  void expect_agreement(const void* input, const std::string& what) {
    const std::vector<TensorView> fast = fast_.run({input}), reference = reference_.run({input});
    for (size_t o = 0; o < fast.size(); ++o) {
      const float *a = fast[o].as<float>(), *b = reference[o].as<float>();
      double diff = 0, scale = 0;
      for (int64_t i = 0; i < fast[o].element_count(); ++i) {
        diff = std::max<double>(diff, std::fabs(a[i] - b[i]));
        scale = std::max<double>(scale, std::fabs(b[i]));
      }
      EXPECT_GT(scale, 0.0) << what << ": output " << o << " is all zeros";
      EXPECT_LE(diff, kTolerance * scale) << what << ": output " << o;
    }
  }

 private:
  Graph graph_;
  Engine fast_, reference_;
};

class XnnSharedClassifier : public ::testing::TestWithParam<Classifier> {};

TEST_P(XnnSharedClassifier, FastPathMatchesReferenceOnImages) {
  require_shared();
  if (IsSkipped() || HasFatalFailure()) return;
  const Classifier& c = GetParam();
  FastAndReference engines(c.model);
  const Graph& graph = engines.graph();
  ASSERT_EQ(graph.inputs.size(), 1u);
  const Preprocess recipe = parse_preprocess(c.flags, graph.tensor(graph.inputs[0]).shape);
  const std::vector<LabeledImage> images = labelled_images(c);
  ASSERT_GE(images.size(), 3u);
  for (size_t i = 0; i < images.size(); i += images.size() / 3) {
    const Tensor input = load_image_tensor(images[i].path, recipe);
    engines.expect_agreement(input.data->data(), images[i].path);
  }
}

INSTANTIATE_TEST_SUITE_P(Models, XnnSharedClassifier, ::testing::ValuesIn(kClassifiers), test_name);

TEST(XnnSharedUnlabelled, KeywordSpotting) {
  require_shared();
  if (IsSkipped() || HasFatalFailure()) return;
  FastAndReference engines("kws/ds_cnn_l.onnx");
  // MFCC-like features: seeded values spread over a few tens.
  std::vector<float> mfcc(engines.graph().tensor(engines.graph().inputs[0]).element_count());
  uint32_t state = 7;
  for (float& v : mfcc) {
    state = state * 1664525u + 1013904223u;
    v = static_cast<float>(state >> 8) / (1u << 23) * 30.0f - 30.0f;
  }
  engines.expect_agreement(mfcc.data(), "seeded MFCC");
}

TEST(XnnSharedUnlabelled, VisualWakeWords) {
  require_shared();
  if (IsSkipped() || HasFatalFailure()) return;
  FastAndReference engines("vww/person_96.tflite");
  const Preprocess recipe =
      parse_preprocess({"96", "96", "0", "255", "rgb", ""}, engines.graph().tensor(engines.graph().inputs[0]).shape);
  const auto images = list_image_folder((shared_dir() / "data/imagenet").string());
  ASSERT_GE(images.size(), 3u);
  for (size_t i = 0; i < images.size(); i += images.size() / 3) {
    const Tensor input = load_image_tensor(images[i].path, recipe);
    engines.expect_agreement(input.data->data(), images[i].path);
  }
}

TEST(XnnSharedUnlabelled, HelloWorld) {
  require_shared();
  if (IsSkipped() || HasFatalFailure()) return;
  FastAndReference engines("misc/hello_world_float.tflite");
  for (float x : {0.3f, 1.7f, 4.0f, 6.0f}) engines.expect_agreement(&x, "x = " + std::to_string(x));
}

}  // namespace
}  // namespace octet
