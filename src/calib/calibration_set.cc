#include "calib/calibration_set.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <numeric>
#include <random>

#include "graph/error.h"
#include "io/dataset.h"
#include "io/model_input.h"

namespace fs = std::filesystem;

namespace octet::calib {
namespace {

bool hidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name[0] == '.';
}

// The .npy files under `root`, recursively, skipping hidden entries.
std::vector<LabeledImage> list_npy_files(const fs::path& root) {
  std::vector<LabeledImage> files;
  const auto options = fs::directory_options::follow_directory_symlink |
                       fs::directory_options::skip_permission_denied;
  for (auto it = fs::recursive_directory_iterator(root, options);
       it != fs::recursive_directory_iterator(); ++it) {
    if (hidden(it->path())) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_directory() && is_npy_file(it->path().string()))
      files.push_back({it->path().string(), -1});
  }
  return files;
}

// Images (with ImageFolder labels) and .npy files under `root`, by path.
std::vector<LabeledImage> list_folder(const std::string& root) {
  std::vector<LabeledImage> files = list_image_folder(root);
  try {
    std::vector<LabeledImage> tensors = list_npy_files(root);
    files.insert(files.end(), tensors.begin(), tensors.end());
  } catch (const fs::filesystem_error& e) {
    fail(ErrorKind::BadInput, root + ": cannot list: " + e.what());
  }
  std::sort(files.begin(), files.end(),
            [](const LabeledImage& a, const LabeledImage& b) { return a.path < b.path; });
  return files;
}

// The files `path` names for one model input (see calibration_set.h).
std::vector<LabeledImage> list_input_files(const std::string& path) {
  std::error_code error;
  std::vector<LabeledImage> files;
  if (fs::is_directory(path, error)) files = list_folder(path);
  else if (!fs::exists(path, error)) fail(ErrorKind::BadInput, path + ": no such file or folder");
  else if (is_npy_file(path) || is_image_file(path)) files = {LabeledImage{path, -1}};
  else files = read_image_list(path);
  if (files.empty())
    fail(ErrorKind::BadInput, path + ": no images (.jpg, .jpeg, .png, .bmp) or .npy tensors found");
  return files;
}

// A file's path below `folder` without its extension: what pairs the files of
// one multi-input sample.
std::string sample_key(const std::string& file, const fs::path& folder) {
  return fs::path(file).lexically_relative(folder).replace_extension().generic_string();
}

std::map<std::string, LabeledImage> keyed_files(const fs::path& folder) {
  std::map<std::string, LabeledImage> by_key;
  for (LabeledImage& file : list_input_files(folder.string())) {
    const std::string key = sample_key(file.path, folder);
    if (by_key.count(key))
      fail(ErrorKind::BadInput, folder.string() + ": two files for sample '" + key + "': " +
                                    by_key[key].path + " and " + file.path);
    by_key.emplace(key, std::move(file));
  }
  return by_key;
}

// The per-input-subfolder layout for a model with several inputs.
std::vector<CalibrationSample> pair_input_folders(const std::string& root,
                                                  const std::vector<std::string>& inputs) {
  std::error_code error;
  if (!fs::is_directory(root, error))
    fail(ErrorKind::BadInput, root + ": a model with " + std::to_string(inputs.size()) +
                                  " inputs calibrates from a folder with one subfolder per input");
  std::vector<std::map<std::string, LabeledImage>> per_input;
  for (const std::string& name : inputs) {
    const fs::path folder = fs::path(root) / name;
    if (!fs::is_directory(folder, error))
      fail(ErrorKind::BadInput, root + ": no subfolder '" + name + "' for model input '" + name + "'");
    per_input.push_back(keyed_files(folder));
  }
  std::vector<CalibrationSample> samples;
  for (const auto& [key, first] : per_input[0]) {
    CalibrationSample sample{{first.path}, first.label};
    for (size_t i = 1; i < inputs.size(); ++i) {
      auto match = per_input[i].find(key);
      if (match == per_input[i].end())
        fail(ErrorKind::BadInput, root + ": sample '" + key + "' is in '" + inputs[0] +
                                      "' but not in '" + inputs[i] + "'");
      sample.files.push_back(match->second.path);
    }
    samples.push_back(std::move(sample));
  }
  for (size_t i = 1; i < inputs.size(); ++i)
    if (per_input[i].size() != samples.size())
      fail(ErrorKind::BadInput, root + ": subfolder '" + inputs[i] + "' has samples that '" +
                                    inputs[0] + "' lacks");
  return samples;
}

// Uniform in [0, n) for n > 0, without the modulo bias: draws below 2^64 mod n
// are rejected, leaving a multiple of n equally likely values.
uint64_t uniform_below(std::mt19937_64& rng, uint64_t n) {
  const uint64_t reject_below = (0 - n) % n;
  for (;;) {
    const uint64_t x = rng();
    if (x >= reject_below) return x % n;
  }
}

}  // namespace

std::vector<size_t> choose_subset(size_t total, int64_t count, uint64_t seed) {
  const size_t chosen =
      count <= 0 ? total : std::min(total, static_cast<size_t>(count));
  std::vector<size_t> order(total);
  std::iota(order.begin(), order.end(), size_t{0});
  // Fisher-Yates, stopped once the first `chosen` places are settled.
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < chosen && i + 1 < total; ++i)
    std::swap(order[i], order[i + uniform_below(rng, total - i)]);
  order.resize(chosen);
  return order;
}

CalibrationSet open_calibration_set(const std::string& path,
                                    const std::vector<std::string>& input_names,
                                    const CalibrationSetOptions& options) {
  if (input_names.empty()) fail(ErrorKind::BadInput, "the model has no inputs to calibrate");
  if (options.count < 0)
    fail(ErrorKind::Usage, "--calib-count must be positive, got " + std::to_string(options.count));
  std::vector<CalibrationSample> all;
  if (input_names.size() == 1) {
    for (LabeledImage& file : list_input_files(path)) all.push_back({{std::move(file.path)}, file.label});
  } else {
    all = pair_input_folders(path, input_names);
  }
  CalibrationSet set{path, input_names, {}, all.size()};
  for (size_t index : choose_subset(all.size(), options.count, options.seed))
    set.samples.push_back(std::move(all[index]));
  return set;
}

}  // namespace octet::calib
