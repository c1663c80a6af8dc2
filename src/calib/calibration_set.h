// The samples a calibration runs on: file paths only, never their contents,
// so a set of a million images costs a few bytes per image and calibration
// memory stays flat (calibrate.h loads one sample at a time).
//
// What a calibration path may name, for a model with ONE input:
//   - a folder: its image files (.jpg, .jpeg, .png, .bmp; the ImageFolder
//     layout <class>/<file> gives labels, see io/dataset.h) and its .npy files,
//     both found recursively;
//   - a list file: one path per line (io/dataset.h read_image_list), images or
//     .npy files;
//   - a single image or .npy file.
// For a model with SEVERAL inputs: a folder holding one subfolder per input,
// named exactly like the input, each listed as above. Sample i is the file
// with the same path (relative to its subfolder, without extension) in every
// subfolder, e.g. calib/ids/0007.npy + calib/mask/0007.npy. A name missing
// from some subfolder is Error(BadInput).
//
// Each file is loaded by its extension (calibrate.h): .npy as stored, which
// must then match the input's shape and dtype exactly (as for `octet run`);
// anything else as an image, through the preprocessing recipe.
//
// Subset: `count` samples out of the listing, chosen by a seeded shuffle
// (std::mt19937_64, whose output the C++ standard fixes, and our own
// Fisher-Yates with unbiased bounded draws, so the same seed picks the same
// samples in the same order with every compiler and standard library). The
// samples are used in that shuffled order, also when `count` covers the whole
// listing: order-sensitive methods (ema) then never see an ImageFolder one
// class after another.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace octet::calib {

struct CalibrationSample {
  std::vector<std::string> files;  // one per model input, in graph-input order
  int label = -1;                  // ImageFolder / list-file label of files[0]; -1 unknown
};

struct CalibrationSetOptions {
  int64_t count = 0;  // samples to use; 0 (or more than listed) means all
  uint64_t seed = 0;
};

struct CalibrationSet {
  std::string path;                        // as the user gave it, for messages
  std::vector<std::string> input_names;    // the model inputs the files feed
  std::vector<CalibrationSample> samples;  // the chosen ones, in use order
  size_t listed = 0;                       // samples found before choosing
};

// Lists `path` for a model whose inputs are `input_names` and chooses the
// subset. Nothing found, an unknown path, or a malformed multi-input folder is
// Error(BadInput) naming the path; a negative count is Error(Usage).
CalibrationSet open_calibration_set(const std::string& path,
                                    const std::vector<std::string>& input_names,
                                    const CalibrationSetOptions& options = {});

// The first min(count, total) entries of a seeded random permutation of
// 0..total-1 (all of it when count is 0). Deterministic across platforms.
std::vector<size_t> choose_subset(size_t total, int64_t count, uint64_t seed);

}  // namespace octet::calib
