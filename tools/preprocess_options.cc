#include "preprocess_options.h"

#include "graph/error.h"

namespace octet::cli {

void add_input_shape_option(CLI::App& app, std::vector<std::string>& specs) {
  app.add_option("--input-shape", specs, "NAME:D0,D1,...: shape for an input the model leaves open (repeatable)");
}

std::map<std::string, Shape> parse_input_shapes(const std::vector<std::string>& specs) {
  std::map<std::string, Shape> shapes;
  for (const std::string& spec : specs) {
    size_t colon = spec.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size())
      fail(ErrorKind::Usage, "--input-shape '" + spec + "': expected NAME:D0,D1,...");
    Shape shape;
    std::string dims = spec.substr(colon + 1);
    size_t start = 0;
    while (start <= dims.size()) {
      size_t comma = dims.find(',', start);
      std::string d = dims.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      try {
        size_t used = 0;
        long long v = std::stoll(d, &used);
        if (used != d.size() || v <= 0) throw std::invalid_argument(d);
        shape.push_back(v);
      } catch (const std::exception&) {
        fail(ErrorKind::Usage, "--input-shape '" + spec + "': '" + d + "' is not a positive dimension");
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    shapes[spec.substr(0, colon)] = shape;
  }
  return shapes;
}

}  // namespace octet::cli
