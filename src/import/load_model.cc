#include "import/load_model.h"

#include <sys/stat.h>

#include <fstream>

#include "graph/error.h"
#include "import/onnx_importer.h"
#include "import/tflite_importer.h"

namespace octet {

namespace {

// A serialized onnx.ModelProto starts with the tag of one of its fields (1-8 and
// 14 with their wire types, or the two-byte tags of 20 and 25): anything else
// cannot be an ONNX model.
bool starts_like_onnx(const std::string& head) {
  const unsigned char first = head[0];
  switch (first) {
    case 0x08: case 0x12: case 0x1a: case 0x22: case 0x28:
    case 0x32: case 0x3a: case 0x42: case 0x72: return true;
    case 0xa2: case 0xca: return head.size() > 1 && head[1] == 0x01;
    default: return false;
  }
}

// The first bytes of the file, after checking it is a readable, non-empty file.
std::string read_head(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) fail(ErrorKind::BadFile, path + ": no such file");
  if (S_ISDIR(info.st_mode)) fail(ErrorKind::BadFile, path + ": is a directory, not a model file");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorKind::BadFile, path + ": cannot open file");
  std::string head(8, '\0');
  in.read(&head[0], head.size());
  head.resize(static_cast<size_t>(in.gcount()));
  if (head.empty()) fail(ErrorKind::BadFile, path + ": file is empty");
  return head;
}

}  // namespace

ModelFormat detect_model_format(const std::string& path) {
  const std::string head = read_head(path);
  if (head.size() >= 8 && head.compare(4, 4, "TFL3") == 0) return ModelFormat::Tflite;
  if (starts_like_onnx(head)) return ModelFormat::Onnx;
  fail(ErrorKind::BadFile,
       path + ": neither a TFLite model (no 'TFL3' identifier at bytes 4..8) nor an ONNX model");
}

Graph load_model(const std::string& path, const ImportOptions& options) {
  return detect_model_format(path) == ModelFormat::Tflite ? import_tflite(path, options)
                                                          : import_onnx(path, options);
}

}  // namespace octet
