// The labelled float classifiers of ../shared/models with the preprocessing
// and float top-1 that shared/models/MODELS.md gives each, for every test that
// runs them on the images of ../shared/data.
//
// With CI=true a missing ../shared fails loudly; elsewhere the tests skip.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "io/dataset.h"
#include "io/preprocess.h"

namespace octet::shared_models {

inline std::filesystem::path shared_dir() { return std::filesystem::path(OCTET_SOURCE_DIR) / ".." / "shared"; }

// Use as: require_shared(); if (IsSkipped() || HasFatalFailure()) return;
inline void require_shared() {
  if (std::filesystem::is_directory(shared_dir())) return;
  const char* ci = std::getenv("CI");
  if (ci && std::string(ci) == "true") FAIL() << "../shared is missing at " << shared_dir() << " (needed in CI)";
  GTEST_SKIP() << "../shared not found";
}

struct Classifier {
  const char* model;    // under shared/models
  const char* data;     // under shared/data
  const char* classes;  // class-order file under shared/data, or ""
  PreprocessFlags flags;
  int label_offset;     // 1 for TF models whose class 0 is background
  double expected_top1;  // percent, from MODELS.md
};

inline void PrintTo(const Classifier& c, std::ostream* os) { *os << c.model; }

// The preprocessing of each model, exactly as MODELS.md states it.
inline const PreprocessFlags kImagenetTf{"256", "224", "127.5", "127.5", "rgb", ""};

inline const Classifier kClassifiers[] = {
    {"imagenet/mobilenet_v1_0.25_224.tflite", "imagenet", "imagenet/synsets_1000.txt", kImagenetTf, 1, 55.0},
    {"imagenet/mobilenet_v1_0.25_224.onnx", "imagenet", "imagenet/synsets_1000.txt", kImagenetTf, 1, 55.0},
    // MODELS.md lists 67.8 %, but an independent PyTorch evaluation of this ONNX
    // graph with MODELS.md's stated recipe (Pillow, short side 183, crop 160)
    // gets 64.6 % (323/500), as octet does; the recipe behind 67.8 % is not the
    // stated one (no variant we tried reaches it), so we hold to the checked value.
    {"imagenet/mobilenet_v1_0.5_160.onnx", "imagenet", "imagenet/synsets_1000.txt",
     {"183", "160", "127.5", "127.5", "rgb", ""}, 1, 64.6},
    {"imagenet/mobilenet_v2_1.0_224.tflite", "imagenet", "imagenet/synsets_1000.txt", kImagenetTf, 1, 86.2},
    {"imagenet/mobilenet_v2_1.0_224_bn.onnx", "imagenet", "imagenet/synsets_1000.txt", kImagenetTf, 1, 86.2},
    {"imagenet/squeezenet1.0.onnx", "imagenet", "imagenet/synsets_1000.txt",
     {"", "224", "104,117,123", "1", "bgr", ""}, 0, 59.2},
    {"cifar10/resnet8.tflite", "cifar10", "", {"", "", "0", "1", "rgb", ""}, 0, 75.24},
    {"cifar10/resnet8.onnx", "cifar10", "", {"", "", "0", "1", "rgb", ""}, 0, 75.24},
    {"mnist/mnist_cntk_opset7.onnx", "mnist", "", {"", "", "0", "1", "gray", ""}, 0, 98.94},
    {"mnist/mnist_pytorch_opset11.onnx", "mnist", "", {"", "", "33.3285", "78.5655", "gray", ""}, 0, 98.12},
    {"fashion_mnist/fashion_keras.tflite", "fashion_mnist", "", {"", "", "0", "255", "gray", ""}, 0, 90.54},
    {"fashion_mnist/fashion_pytorch_opset10.onnx", "fashion_mnist", "", {"", "", "0", "255", "gray", ""}, 0, 90.16},
};

// The classifier's labelled images (labels in the data's class order).
inline std::vector<LabeledImage> labelled_images(const Classifier& c) {
  std::vector<std::string> classes;
  if (*c.classes) classes = read_class_names((shared_dir() / "data" / c.classes).string());
  return list_image_folder((shared_dir() / "data" / c.data).string(), classes);
}

// Calibration and evaluation images: `calib` images taken evenly (every k-th),
// then up to `max_eval` of the others, also evenly spread.
struct ImageSplit {
  std::vector<LabeledImage> calib, eval;
};

inline ImageSplit split_images(const std::vector<LabeledImage>& images, size_t calib, size_t max_eval) {
  ImageSplit s;
  const size_t step = std::max<size_t>(1, images.size() / calib);
  std::vector<LabeledImage> rest;
  for (size_t i = 0; i < images.size(); ++i) {
    if (i % step == 0 && s.calib.size() < calib) s.calib.push_back(images[i]);
    else rest.push_back(images[i]);
  }
  const size_t eval_step = std::max<size_t>(1, rest.size() / max_eval);
  for (size_t i = 0; i < rest.size() && s.eval.size() < max_eval; i += eval_step) s.eval.push_back(rest[i]);
  return s;
}

// A gtest parameter name from the model path ("cifar10_resnet8_tflite").
inline std::string model_id(const Classifier& c) {
  std::string name = c.model;
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

inline std::string test_name(const ::testing::TestParamInfo<Classifier>& info) { return model_id(info.param); }

// Where quantized_models_test leaves the int8 file it converted from `c`
// (under the test's working directory), for the runtime conformance tests.
inline std::filesystem::path converted_model_path(const Classifier& c) {
  return std::filesystem::current_path() / "converted" / (model_id(c) + ".tflite");
}

}  // namespace octet::shared_models
