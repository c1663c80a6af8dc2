#include "io/model_input.h"

#include <spdlog/spdlog.h>

#include <cctype>
#include <filesystem>

#include "io/npy.h"
#include "runtime/int8/quantize.h"

namespace octet {
namespace {

bool is_integer_image_input(const Tensor& input) {
  return input.dtype == DType::Int8 || input.dtype == DType::UInt8;
}

}  // namespace

bool is_npy_file(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".npy";
}

Tensor quantize_image(const Tensor& image, const Tensor& input) {
  if (input.quant.scales.size() != 1 || input.quant.zero_points.size() != 1)
    fail(ErrorKind::Unsupported, "model input '" + input.name + "' is " + dtype_name(input.dtype) +
                                     " without one scale and zero point: images cannot be quantized for it");
  const bool to_uint8 = input.dtype == DType::UInt8;
  // uint8 is int8 with the zero point moved up by 128: the same rounding, the
  // clamp shifted from [-128, 127] to [0, 255]. So one reference function serves both.
  const int32_t shift = to_uint8 ? 128 : 0;
  const int8::Affine params{input.quant.scales[0], static_cast<int32_t>(input.quant.zero_points[0]) - shift};
  const float* x = image.data_as<float>();
  auto bytes = std::make_shared<Bytes>(static_cast<size_t>(image.element_count()));
  for (size_t i = 0; i < bytes->size(); ++i)
    (*bytes)[i] = static_cast<uint8_t>(int8::quantize_value(x[i], params) + shift);
  Tensor value = image;
  value.dtype = input.dtype;
  value.quant = input.quant;
  value.data = std::move(bytes);
  return value;
}

Tensor load_model_input(const std::string& path, const Tensor& input, const Preprocess& recipe) {
  Tensor value = is_npy_file(path) ? read_npy(path) : load_image_tensor(path, recipe);
  if (!is_npy_file(path) && is_integer_image_input(input)) value = quantize_image(value, input);
  if (value.shape != input.shape || value.dtype != input.dtype)
    fail(ErrorKind::BadInput, path + ": gives " + dtype_name(value.dtype) + shape_string(value.shape) +
                                  ", model input '" + input.name + "' needs " +
                                  dtype_name(input.dtype) + shape_string(input.shape));
  return value;
}

void SkippedInputs::add(const Error& error, Progress* progress) {
  if (++count_ > kNamed) {
    spdlog::debug("skipped {}: {}", what_, error.what());
    return;
  }
  if (progress) progress->suspend();
  spdlog::warn("skipped {}: {}", what_, error.what());
  if (count_ == kNamed) spdlog::warn("further unusable {}s are skipped without a warning", what_);
}

}  // namespace octet
