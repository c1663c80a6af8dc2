#include "io/model_input.h"

#include <cctype>
#include <filesystem>

#include "graph/error.h"
#include "io/npy.h"

namespace octet {
bool is_npy_file(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".npy";
}

Tensor load_model_input(const std::string& path, const Tensor& input, const Preprocess& recipe) {
  Tensor value = is_npy_file(path) ? read_npy(path) : load_image_tensor(path, recipe);
  if (value.shape != input.shape || value.dtype != input.dtype)
    fail(ErrorKind::BadInput, path + ": gives " + dtype_name(value.dtype) + shape_string(value.shape) +
                                  ", model input '" + input.name + "' needs " +
                                  dtype_name(input.dtype) + shape_string(input.shape));
  return value;
}

}  // namespace octet
