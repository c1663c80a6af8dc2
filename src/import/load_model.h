// Loads a float model of either format, telling them apart by content rather
// than by file extension.
#pragma once
#include <string>

#include "graph/graph.h"
#include "import/import_options.h"

namespace octet {

enum class ModelFormat { Tflite, Onnx };

// TFLite when bytes 4..8 are the "TFL3" identifier, ONNX when the file starts
// like a protobuf ModelProto. Error(BadFile) naming the path for a missing
// file, a directory, an empty file, or one that is neither format.
ModelFormat detect_model_format(const std::string& path);

// Imports the file with the importer for its format.
Graph load_model(const std::string& path, const ImportOptions& options = {});

}  // namespace octet
