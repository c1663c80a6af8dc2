#include "graph/attributes.h"

#include <sstream>

#include "graph/error.h"

namespace octet {

template <typename T>
static T get_typed(const std::map<std::string, AttrValue>& values, const std::string& name,
                   T fallback) {
  auto it = values.find(name);
  if (it == values.end()) return fallback;
  if (const T* v = std::get_if<T>(&it->second)) return *v;
  fail(ErrorKind::Internal, "attribute '" + name + "' has an unexpected type");
}

int64_t Attributes::get_int(const std::string& name, int64_t fallback) const {
  return get_typed(values_, name, fallback);
}
float Attributes::get_float(const std::string& name, float fallback) const {
  return get_typed(values_, name, fallback);
}
std::string Attributes::get_string(const std::string& name, const std::string& fallback) const {
  return get_typed(values_, name, fallback);
}
std::vector<int64_t> Attributes::get_ints(const std::string& name,
                                          std::vector<int64_t> fallback) const {
  return get_typed(values_, name, std::move(fallback));
}
std::vector<float> Attributes::get_floats(const std::string& name,
                                          std::vector<float> fallback) const {
  return get_typed(values_, name, std::move(fallback));
}

namespace {
struct Printer {
  std::ostringstream& out;
  void operator()(int64_t v) { out << v; }
  void operator()(float v) { out << v; }
  void operator()(const std::string& v) { out << '"' << v << '"'; }
  template <typename T> void operator()(const std::vector<T>& v) {
    out << '[';
    for (size_t i = 0; i < v.size(); ++i) out << (i ? "," : "") << v[i];
    out << ']';
  }
};
}  // namespace

std::string attr_value_string(const AttrValue& value) {
  std::ostringstream out;
  std::visit(Printer{out}, value);
  return out.str();
}

}  // namespace octet
