// The calibration driver on the bundled sample model and on small hand-built
// graphs: ranges against values computed here directly (decoded pixels, a
// plain Engine loop, hand-written tensors), subset choice, skipping of
// unusable samples, and flat memory.
#include "calib/calibrate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <thread>

#include "import/load_model.h"
#include "io/dataset.h"
#include "io/image.h"
#include "io/npy.h"
#include "io_test_util.h"
#include "runtime/engine.h"

namespace octet::calib {
namespace {

namespace fs = std::filesystem;
using io_test::fresh_dir;
using io_test::write_file;

const std::string kDir = std::string(OCTET_SOURCE_DIR) + "/models/fashion_mnist/";
const std::string kImages = kDir + "images";

const Graph& fashion_graph() {
  static const Graph graph = load_model(kDir + "fashion_mobilenet.onnx");
  return graph;
}

// The model's documented preprocessing: x = pixel / 255.
Preprocess fashion_recipe() {
  const Graph& g = fashion_graph();
  return parse_preprocess({"", "", "0", "255", "gray", ""}, g.tensor(g.inputs[0]).shape);
}

std::vector<std::string> input_names(const Graph& g) {
  std::vector<std::string> names;
  for (int id : g.inputs) names.push_back(g.tensor(id).name);
  return names;
}

CalibrationSet fashion_set(const std::string& path, int64_t count = 0, uint64_t seed = 0) {
  return open_calibration_set(path, input_names(fashion_graph()), {count, seed});
}

CalibrationResult calibrate_fashion(const std::string& path, CalibrationOptions options = {},
                                    int64_t count = 0) {
  return calibrate(fashion_graph(), fashion_set(path, count), fashion_recipe(), options);
}

std::vector<std::string> paths_of(const CalibrationSet& set) {
  std::vector<std::string> paths;
  for (const CalibrationSample& s : set.samples) paths.push_back(s.files.at(0));
  return paths;
}

// A folder with the first `n` bundled images (by listing order).
fs::path copy_images(const std::string& name, size_t n) {
  fs::path dir = fresh_dir("calib_" + name);
  std::vector<LabeledImage> images = list_image_folder(kImages);
  for (size_t i = 0; i < n; ++i)
    fs::copy_file(images[i].path, dir / ("img" + std::to_string(i) + ".png"));
  return dir;
}

TEST(Calibrate, MinmaxInputRangeIsThePixelRangeOverAllImages) {
  uint8_t lo = 255, hi = 0;
  for (const LabeledImage& image : list_image_folder(kImages)) {
    Image decoded = decode_image(image.path, 1);
    auto [mn, mx] = std::minmax_element(decoded.pixels.begin(), decoded.pixels.end());
    lo = std::min(lo, *mn);
    hi = std::max(hi, *mx);
  }
  ASSERT_EQ(lo, 0);
  ASSERT_EQ(hi, 255);

  CalibrationResult result = calibrate_fashion(kImages);
  EXPECT_EQ(result.used, 100);
  EXPECT_EQ(result.skipped, 0);
  const TensorRange* input = result.find("input");
  ASSERT_NE(input, nullptr);
  EXPECT_EQ(input->method, "minmax");
  EXPECT_EQ(input->range.min, lo / 255.0f);
  EXPECT_EQ(input->range.max, hi / 255.0f);
  EXPECT_EQ(input->values, 100u * 28 * 28);
  // Thread-seconds: each stage fits in its threads' share of the wall clock.
  EXPECT_GE(result.threads, 1);
  EXPECT_LE(result.seconds.loading, result.seconds.total * result.threads);
  EXPECT_LE(result.seconds.running, result.seconds.total * result.threads);
  EXPECT_GT(result.seconds.observing, 0.0);
  EXPECT_LE(result.seconds.observing, result.seconds.running);
}

TEST(Calibrate, EveryNonConstantFloatTensorGetsARange) {
  const Graph& g = fashion_graph();
  CalibrationResult result = calibrate_fashion(kImages, {}, 20);
  std::set<int> expected(g.inputs.begin(), g.inputs.end());
  for (const Node& node : g.nodes)
    for (int id : node.outputs)
      if (!g.tensor(id).is_constant() && g.tensor(id).dtype == DType::Float32) expected.insert(id);
  ASSERT_GT(expected.size(), 20u);
  EXPECT_EQ(result.tensors.size(), expected.size());
  for (int id : expected) {
    const TensorRange* t = result.find(g.tensor(id).name);
    ASSERT_NE(t, nullptr) << g.tensor(id).name;
    EXPECT_EQ(t->tensor_id, id);
    EXPECT_TRUE(t->has_finite_values()) << t->name;
    EXPECT_EQ(t->nonfinite, 0u);
    EXPECT_LE(t->range.min, t->range.max) << t->name;
    EXPECT_EQ(t->values, 20u * static_cast<uint64_t>(g.tensor(id).element_count())) << t->name;
  }
}

TEST(Calibrate, MinmaxRangesEqualADirectEngineLoop) {
  const Graph& g = fashion_graph();
  CalibrationSet set = fashion_set(kImages, 10, 3);
  CalibrationResult result = calibrate(g, set, fashion_recipe(), {});

  const float inf = std::numeric_limits<float>::infinity();
  std::vector<QuantRange> seen(g.tensors.size(), QuantRange{inf, -inf});
  Engine engine(g);
  for (const CalibrationSample& sample : set.samples) {
    Tensor input = load_image_tensor(sample.files[0], fashion_recipe());
    engine.run({input.data->data()}, [&](int id, const TensorView& v) {
      if (v.dtype != DType::Float32) return;
      for (int64_t i = 0; i < v.element_count(); ++i) {
        seen[id].min = std::min(seen[id].min, v.as<float>()[i]);
        seen[id].max = std::max(seen[id].max, v.as<float>()[i]);
      }
    });
  }
  for (const TensorRange& t : result.tensors) {
    EXPECT_EQ(t.range.min, seen[t.tensor_id].min) << t.name;
    EXPECT_EQ(t.range.max, seen[t.tensor_id].max) << t.name;
  }
  // The logits are not all positive: the output range is a real two-sided one.
  EXPECT_LT(result.find(g.tensor(g.outputs[0]).name)->range.min, 0.0f);
}

// Channel means for bias correction: each channel's average over every image
// and position, the same on any number of threads (summed in image order).
TEST(Calibrate, ChannelMeansEqualADirectEngineLoopOnAnyThreadCount) {
  const Graph& g = fashion_graph();
  CalibrationSet set = fashion_set(kImages, 10, 3);
  std::vector<int> tensors;
  for (const Node& n : g.nodes)
    if (n.op == OpKind::Conv2D && g.tensor(n.inputs[0]).shape.size() == 4) tensors.push_back(n.inputs[0]);
  ASSERT_GE(tensors.size(), 2u);
  std::map<int, std::vector<double>> sums;
  std::map<int, int64_t> positions;
  Engine engine(g);
  for (const CalibrationSample& sample : set.samples) {
    Tensor input = load_image_tensor(sample.files[0], fashion_recipe());
    engine.run({input.data->data()}, [&](int id, const TensorView& v) {
      if (std::find(tensors.begin(), tensors.end(), id) == tensors.end()) return;
      const int64_t channels = v.shape.back();
      sums[id].resize(static_cast<size_t>(channels));
      for (int64_t i = 0; i < v.element_count(); ++i) sums[id][static_cast<size_t>(i % channels)] += v.as<float>()[i];
      positions[id] += v.element_count() / channels;
    });
  }
  std::map<int, std::vector<double>> first;
  for (int threads : {1, 3}) {
    CalibrationOptions options;
    options.threads = threads;
    options.mean_tensors = tensors;
    const CalibrationResult result = calibrate(g, set, fashion_recipe(), options);
    ASSERT_EQ(result.channel_means.size(), tensors.size());
    for (int id : tensors) {
      const std::vector<double>& means = result.channel_means.at(id);
      ASSERT_EQ(means.size(), sums[id].size()) << g.tensor(id).name;
      for (size_t c = 0; c < means.size(); ++c)
        EXPECT_NEAR(means[c], sums[id][c] / static_cast<double>(positions[id]), 1e-6) << g.tensor(id).name << " " << c;
    }
    if (first.empty()) first = result.channel_means;
    EXPECT_EQ(result.channel_means, first) << threads << " threads";
  }
}

TEST(Calibrate, SeededSubsetIsReproducibleAndSeedDependent) {
  CalibrationSet a = fashion_set(kImages, 10, 1), b = fashion_set(kImages, 10, 1);
  CalibrationSet c = fashion_set(kImages, 10, 2);
  EXPECT_EQ(a.listed, 100u);
  ASSERT_EQ(a.samples.size(), 10u);
  EXPECT_EQ(paths_of(a), paths_of(b));
  EXPECT_NE(paths_of(a), paths_of(c));
  const std::vector<std::string> chosen = paths_of(a);
  const std::set<std::string> distinct(chosen.begin(), chosen.end());
  EXPECT_EQ(distinct.size(), 10u);
  // ImageFolder labels travel with the chosen samples.
  for (const CalibrationSample& s : a.samples)
    EXPECT_EQ(s.label, std::stoi(fs::path(s.files[0]).parent_path().filename().string()));
}

TEST(Calibrate, SubsetIsAPrefixOfAPermutation) {
  std::vector<size_t> all = choose_subset(50, 0, 7);
  std::vector<size_t> sorted = all;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < 50; ++i) EXPECT_EQ(sorted[i], i);
  EXPECT_NE(all, sorted);  // shuffled even when everything is used
  std::vector<size_t> some = choose_subset(50, 12, 7);
  EXPECT_EQ(some, std::vector<size_t>(all.begin(), all.begin() + 12));
  EXPECT_EQ(choose_subset(5, 99, 7).size(), 5u);
  EXPECT_TRUE(choose_subset(0, 3, 7).empty());
  // Pinned: std::mt19937_64 is fixed by the standard and the shuffle is ours,
  // so this holds on every platform (a change here changes users' subsets).
  // Values from an independent Python MT19937-64 + the same Fisher-Yates.
  EXPECT_EQ(choose_subset(10, 4, 1), (std::vector<size_t>{8, 7, 4, 0}));
  EXPECT_EQ(choose_subset(1000, 3, 42), (std::vector<size_t>{406, 249, 958}));
}

TEST(Calibrate, SubsetDrawsAreUniform) {
  // The first pick over 30000 seeds: each of 3 indices should come up ~10000
  // times. Chi-square with 2 degrees of freedom, 13.8 = the 0.1% tail.
  std::vector<int> counts(3, 0);
  for (uint64_t seed = 0; seed < 30000; ++seed) ++counts[choose_subset(3, 1, seed)[0]];
  double chi2 = 0.0;
  for (int c : counts) chi2 += (c - 10000.0) * (c - 10000.0) / 10000.0;
  EXPECT_LT(chi2, 13.8) << counts[0] << " " << counts[1] << " " << counts[2];
}

TEST(Calibrate, CorruptImageIsSkippedAndCounted) {
  fs::path dir = copy_images("corrupt", 5);
  write_file(dir / "broken.png", "\x89PNG\r\n\x1a\n this is not a png");
  CalibrationResult result = calibrate_fashion(dir.string());
  EXPECT_EQ(result.used, 5);
  EXPECT_EQ(result.skipped, 1);
  EXPECT_EQ(result.find("input")->values, 5u * 28 * 28);
}

TEST(Calibrate, NoUsableSampleIsBadInput) {
  fs::path empty = fresh_dir("calib_empty");
  EXPECT_OCTET_ERROR(calibrate_fashion(empty.string()), ErrorKind::BadInput, empty.string());
  fs::path broken = fresh_dir("calib_all_broken");
  write_file(broken / "a.png", "junk");
  write_file(broken / "b.jpg", "junk");
  EXPECT_OCTET_ERROR(calibrate_fashion(broken.string()), ErrorKind::BadInput,
                     broken.string() + ": no usable calibration samples (2 skipped)");
  EXPECT_OCTET_ERROR(calibrate_fashion(broken.string() + "/missing"), ErrorKind::BadInput,
                     "no such file");
}

TEST(Calibrate, ListFileAndSingleImage) {
  fs::path dir = copy_images("list", 3);
  std::ofstream(dir / "list.txt") << "# calibration images\nimg0.png\n\n" << (dir / "img2.png").string()
                                  << "\n";
  CalibrationSet set = fashion_set((dir / "list.txt").string());
  std::vector<std::string> paths = paths_of(set);
  std::sort(paths.begin(), paths.end());
  EXPECT_EQ(paths, (std::vector<std::string>{(dir / "img0.png").string(), (dir / "img2.png").string()}));
  EXPECT_EQ(fashion_set((dir / "img1.png").string()).samples.size(), 1u);
}

int add_float_input(Graph& g, const std::string& name, const Shape& shape) {
  Tensor t;
  t.name = name;
  t.shape = shape;
  int id = g.add_tensor(std::move(t));
  g.inputs.push_back(id);
  return id;
}

// relu(a), float32 input of `shape`.
Graph relu_graph(const Shape& shape) {
  Graph g;
  int a = add_float_input(g, "a", shape);
  g.outputs.push_back(g.nodes[g.add_node(OpKind::Relu, "relu", {a})].outputs[0]);
  return g;
}

// sum = a + b, float32 inputs of `shape`.
Graph add_graph(const Shape& shape) {
  Graph g;
  int a = add_float_input(g, "a", shape), b = add_float_input(g, "b", shape);
  g.outputs.push_back(g.nodes[g.add_node(OpKind::Add, "sum", {a, b})].outputs[0]);
  return g;
}

void write_floats(const fs::path& path, const Shape& shape, const std::vector<float>& values) {
  fs::create_directories(path.parent_path());
  write_npy(path.string(), DType::Float32, shape, values.data(), values.size() * sizeof(float));
}

TEST(Calibrate, NpyTensorsAndWrongShapedOnesAreSkipped) {
  Graph g = relu_graph({1, 3});
  fs::path dir = fresh_dir("calib_npy");
  write_floats(dir / "s0.npy", {1, 3}, {-2.5f, 0.5f, 1.0f});
  write_floats(dir / "nested/s1.npy", {1, 3}, {3.0f, -1.0f, 0.0f});
  write_floats(dir / "s2.npy", {3}, {100.0f, 100.0f, 100.0f});  // rank differs: skipped
  write_floats(dir / "s3.npy", {1, 3}, {std::nanf(""), 0.25f, -0.5f});
  write_file(dir / ".hidden.npy", "not read");
  CalibrationSet set = open_calibration_set(dir.string(), {"a"});
  EXPECT_EQ(set.listed, 4u);
  CalibrationResult result = calibrate(g, set, Preprocess{}, {});
  EXPECT_EQ(result.used, 3);
  EXPECT_EQ(result.skipped, 1);
  EXPECT_EQ(result.find("a")->range.min, -2.5f);
  EXPECT_EQ(result.find("a")->range.max, 3.0f);
  EXPECT_EQ(result.find("a")->values, 9u);
  EXPECT_EQ(result.find("a")->nonfinite, 1u);  // NaN left out of the range, and counted
  EXPECT_EQ(result.find("relu")->range.min, 0.0f);
  EXPECT_EQ(result.find("relu")->range.max, 3.0f);
}

TEST(Calibrate, SeveralInputsPairFilesBySubfolder) {
  Graph g = add_graph({1, 2});
  fs::path dir = fresh_dir("calib_two_inputs");
  write_floats(dir / "a/x.npy", {1, 2}, {1.0f, -4.0f});
  write_floats(dir / "b/x.npy", {1, 2}, {2.0f, 1.0f});
  write_floats(dir / "a/y.npy", {1, 2}, {-1.0f, 0.5f});
  write_floats(dir / "b/y.npy", {1, 2}, {-7.0f, 0.25f});
  CalibrationSet set = open_calibration_set(dir.string(), {"a", "b"});
  ASSERT_EQ(set.samples.size(), 2u);
  for (const CalibrationSample& s : set.samples)
    EXPECT_EQ(fs::path(s.files[0]).filename(), fs::path(s.files[1]).filename());
  CalibrationResult result = calibrate(g, set, Preprocess{}, {});
  EXPECT_EQ(result.find("sum")->range.min, -8.0f);   // -1 + -7
  EXPECT_EQ(result.find("sum")->range.max, 3.0f);    //  1 + 2
  EXPECT_EQ(result.find("b")->range.min, -7.0f);

  write_floats(dir / "a/z.npy", {1, 2}, {0.0f, 0.0f});
  EXPECT_OCTET_ERROR(open_calibration_set(dir.string(), {"a", "b"}), ErrorKind::BadInput,
                     "sample 'z' is in 'a' but not in 'b'");
  EXPECT_OCTET_ERROR(open_calibration_set(dir.string(), {"a", "c"}), ErrorKind::BadInput,
                     "no subfolder 'c'");
}

TEST(Calibrate, PerTensorOverrideUsesItsOwnMethod) {
  CalibrationOptions options;
  options.overrides["input"] = "ema";
  CalibrationSet set = fashion_set(kImages, 30, 5);
  CalibrationResult result = calibrate(fashion_graph(), set, fashion_recipe(), options);
  auto ema = make_observer("ema");
  for (const CalibrationSample& s : set.samples) {
    Tensor x = load_image_tensor(s.files[0], fashion_recipe());
    ema->observe(x.data_as<float>(), x.element_count());
  }
  const TensorRange* input = result.find("input");
  EXPECT_EQ(input->method, "ema");
  EXPECT_EQ(input->range.min, ema->range().min);
  EXPECT_EQ(input->range.max, ema->range().max);
  EXPECT_LT(input->range.max, 1.0f);  // not what minmax gives: not every image reaches 255
  EXPECT_EQ(result.tensors.back().method, "minmax");
}

TEST(Calibrate, BadMethodsAndOverridesAreUsageErrors) {
  CalibrationOptions unknown_tensor;
  unknown_tensor.overrides["no_such_tensor"] = "mse";
  EXPECT_OCTET_ERROR(calibrate_fashion(kImages, unknown_tensor, 1), ErrorKind::Usage, "no_such_tensor");
  CalibrationOptions bad_method;
  bad_method.method = "median";
  EXPECT_OCTET_ERROR(calibrate_fashion(kImages, bad_method, 1), ErrorKind::Usage, "median");
  EXPECT_OCTET_ERROR(fashion_set(kImages, -1), ErrorKind::Usage, "--calib-count");
}

TEST(Calibrate, HistogramMethodsRunOnTheSampleModel) {
  for (const std::string& method : observer_methods()) {
    CalibrationOptions options;
    options.method = method;
    CalibrationResult result = calibrate_fashion(kImages, options, 10);
    const TensorRange* input = result.find("input");
    EXPECT_EQ(input->range.min, 0.0f) << method;  // every method keeps inside the data
    EXPECT_GT(input->range.max, 0.5f) << method;
    EXPECT_LE(input->range.max, 1.0f) << method;
  }
}

// A serial loop written here: one Engine, one observer per calibrated
// tensor, the samples in set order.
std::vector<std::unique_ptr<Observer>> serial_observers(const Graph& g, const CalibrationSet& set,
                                                        const Preprocess& recipe, const std::string& method) {
  std::vector<std::unique_ptr<Observer>> observers(g.tensors.size());
  for (int id : calibrated_tensors(g)) observers[id] = make_observer(method);
  Engine engine(g);
  for (const CalibrationSample& sample : set.samples) {
    Tensor input = load_image_tensor(sample.files[0], recipe);
    engine.run({input.data->data()}, [&](int id, const TensorView& v) {
      if (observers[id]) observers[id]->observe(v.as<float>(), v.element_count());
    });
  }
  return observers;
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Every method, 1 to 5 threads: the ranges of a serial loop, bit for bit.
// (A corrupt image in the middle is skipped alike.)
TEST(Calibrate, AnyThreadCountGivesTheSerialLoopsRanges) {
  fs::path dir = copy_images("threads", 24);
  write_file(dir / "img11_corrupt.png", "not a png");
  CalibrationSet set = fashion_set(dir.string());
  ASSERT_EQ(set.samples.size(), 25u);
  CalibrationSet usable = set;
  usable.samples.erase(std::remove_if(usable.samples.begin(), usable.samples.end(),
                                      [](const CalibrationSample& s) {
                                        return s.files[0].find("corrupt") != std::string::npos;
                                      }),
                       usable.samples.end());
  for (const std::string& method : observer_methods()) {
    const auto serial = serial_observers(fashion_graph(), usable, fashion_recipe(), method);
    for (int threads : {1, 2, 3, 5}) {
      CalibrationOptions options;
      options.method = method;
      options.threads = threads;
      CalibrationResult result = calibrate(fashion_graph(), set, fashion_recipe(), options);
      EXPECT_EQ(result.threads, threads);
      EXPECT_EQ(result.used, 24);
      EXPECT_EQ(result.skipped, 1);
      for (const TensorRange& t : result.tensors) {
        const QuantRange expected = serial[t.tensor_id]->range();
        EXPECT_TRUE(same_bits(t.range.min, expected.min) && same_bits(t.range.max, expected.max))
            << method << " on " << threads << " threads, " << t.name << ": [" << t.range.min << ", "
            << t.range.max << "] vs [" << expected.min << ", " << expected.max << "]";
        EXPECT_EQ(t.nonfinite, serial[t.tensor_id]->nonfinite());
      }
    }
  }
}

TEST(Calibrate, MoreThreadsThanSamplesUsesOnePerSample) {
  CalibrationOptions options;
  options.threads = 8;
  EXPECT_EQ(calibrate_fashion(kImages, options, 3).threads, 3);
  options.threads = 0;
  EXPECT_EQ(calibration_threads(options), std::max(1, static_cast<int>(std::thread::hardware_concurrency())));
}

// Peak resident memory in kB since the last reset_peak().
long peak_kb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}
bool reset_peak() { return static_cast<bool>(std::ofstream("/proc/self/clear_refs") << "5"); }
long resident_kb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// Peak memory growth in kB while calibrating `set`.
long peak_growth_kb(const Graph& g, const CalibrationSet& set, const Preprocess& recipe) {
  reset_peak();
  const long before = resident_kb();
  CalibrationOptions options;
  options.threads = 2;
  calibrate(g, set, recipe, options);
  return peak_kb() - before;
}

TEST(Calibrate, MemoryDoesNotGrowWithTheNumberOfSamples) {
  if (!reset_peak() || peak_kb() < 0) GTEST_SKIP() << "no resettable VmHWM on this system";
  // Large per-sample tensors make any per-sample storage obvious: every image
  // becomes a 512x512 input (1 MB) with a 1 MB Relu output, so keeping them
  // would cost 2 MB per extra sample, 140 MB for 70 samples. What may vary
  // from run to run is how full the pipeline got: up to 3 samples per thread
  // in flight (sample_pipeline.h), 6 MB with 2 threads, more with per-thread
  // allocator arenas; hence 12 MB of slack.
  Graph g = relu_graph({1, 512, 512, 1});
  Preprocess recipe;
  recipe.color = Preprocess::Gray;
  recipe.resize_hw = std::make_pair(512, 512);
  CalibrationSet few = open_calibration_set(kImages, {"a"}, {20, 0});
  CalibrationSet many = open_calibration_set(kImages, {"a"}, {90, 0});
  peak_growth_kb(g, few, recipe);  // warm-up: allocator pools, lazy statics
  const long growth_few = peak_growth_kb(g, few, recipe);
  const long growth_many = peak_growth_kb(g, many, recipe);
  EXPECT_LT(growth_many - growth_few, 12 * 1024) << growth_few << " kB vs " << growth_many << " kB";

  // And on the sample model itself, 10 vs 100 images.
  const long sample_few = peak_growth_kb(fashion_graph(), fashion_set(kImages, 10), fashion_recipe());
  const long sample_all = peak_growth_kb(fashion_graph(), fashion_set(kImages), fashion_recipe());
  EXPECT_LT(sample_all - sample_few, 5 * 1024) << sample_few << " kB vs " << sample_all << " kB";
}

}  // namespace
}  // namespace octet::calib
