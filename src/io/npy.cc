#include "io/npy.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>

#include "graph/error.h"
#include "import/onnx_tensor.h"  // half_to_float
#include "io/output_file.h"

namespace octet {
namespace {

// The .npy preamble: magic, version, then the header length (2 bytes in 1.0,
// 4 bytes in 2.0 and 3.0), all little-endian.
const char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

// What a header's 'descr' says about the stored elements.
struct StoredType {
  DType dtype;          // the IR dtype the values become
  size_t stored_bytes;  // bytes per element in the file
  char kind;            // numpy kind: 'f', 'i', 'u', 'b'

  std::string name() const {  // numpy's name, e.g. "float64"
    if (kind == 'b') return "bool";
    std::string prefix = kind == 'f' ? "float" : kind == 'i' ? "int" : "uint";
    return prefix + std::to_string(8 * stored_bytes);
  }
};

// A parsed header: the dict literal numpy writes, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 224, 224), }
struct Header {
  std::string descr;
  bool fortran_order = false;
  Shape shape;
};

[[noreturn]] void bad(const std::string& origin, const std::string& why) {
  fail(ErrorKind::BadInput, origin + ": " + why);
}

// A cursor over the header text that reads the few Python literals a .npy
// header holds: quoted strings, True/False, and tuples of integers.
class HeaderReader {
 public:
  HeaderReader(const std::string& text, const std::string& origin)
      : text_(text), origin_(origin) {}

  Header read() {
    Header header;
    bool has_descr = false, has_order = false, has_shape = false;
    expect('{');
    while (!accept('}')) {
      std::string key = read_string();
      expect(':');
      if (key == "descr") {
        if (peek() != '\'' && peek() != '"') error("'descr' is a structured dtype (unsupported)");
        header.descr = read_string();
        has_descr = true;
      } else if (key == "fortran_order") {
        header.fortran_order = read_bool();
        has_order = true;
      } else if (key == "shape") {
        header.shape = read_shape();
        has_shape = true;
      } else {
        error("unexpected key '" + key + "'");
      }
      if (!accept(',')) { expect('}'); break; }
    }
    if (!has_descr || !has_order || !has_shape)
      error("header lacks 'descr', 'fortran_order' or 'shape'");
    return header;
  }

 private:
  [[noreturn]] void error(const std::string& why) {
    bad(origin_, "bad header (" + why + "): " + text_);
  }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  char peek() {
    skip_space();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  bool accept(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  void expect(char c) {
    if (!accept(c)) error(std::string("expected '") + c + "'");
  }
  std::string read_string() {
    char quote = peek();
    if (quote != '\'' && quote != '"') error("expected a quoted string");
    size_t end = text_.find(quote, ++pos_);
    if (end == std::string::npos) error("unterminated string");
    std::string s = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return s;
  }
  bool read_bool() {
    skip_space();
    for (const char* word : {"True", "False"}) {
      if (text_.compare(pos_, std::strlen(word), word) == 0) {
        pos_ += std::strlen(word);
        return word[0] == 'T';
      }
    }
    error("expected True or False");
  }
  // "(1, 3, 224, 224)", "(5,)" or "()"; Python 2 files may write "3L".
  Shape read_shape() {
    Shape shape;
    expect('(');
    while (!accept(')')) {
      skip_space();
      size_t digits = 0;
      int64_t dim = 0;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
        if (dim > (int64_t{1} << 40)) error("dimension too large");
        dim = dim * 10 + (text_[pos_++] - '0');
        ++digits;
      }
      if (digits == 0) error("expected a non-negative integer dimension");
      if (pos_ < text_.size() && text_[pos_] == 'L') ++pos_;
      shape.push_back(dim);
      if (!accept(',')) { expect(')'); break; }
    }
    return shape;
  }

  const std::string& text_;
  const std::string& origin_;
  size_t pos_ = 0;
};

StoredType stored_type(const std::string& descr, const std::string& origin) {
  static const std::map<std::string, StoredType> kTypes = {
      {"f4", {DType::Float32, 4, 'f'}}, {"f2", {DType::Float32, 2, 'f'}},
      {"f8", {DType::Float32, 8, 'f'}}, {"i1", {DType::Int8, 1, 'i'}},
      {"u1", {DType::UInt8, 1, 'u'}},   {"i2", {DType::Int16, 2, 'i'}},
      {"i4", {DType::Int32, 4, 'i'}},   {"i8", {DType::Int64, 8, 'i'}},
      {"b1", {DType::Bool, 1, 'b'}}};
  auto it = descr.size() == 3 ? kTypes.find(descr.substr(1)) : kTypes.end();
  if (it == kTypes.end())
    bad(origin, "unsupported dtype '" + descr + "' (supported: f4 f2 f8 i1 u1 i2 i4 i8 b1)");
  char order = descr[0];
  bool one_byte = it->second.stored_bytes == 1;
  if (order == '>' && !one_byte) bad(origin, "big-endian dtype '" + descr + "' is not supported");
  if (order != '<' && order != '|' && order != '>' && order != '=')
    bad(origin, "bad byte order in dtype '" + descr + "'");
  return it->second;
}

uint32_t read_le(const uint8_t* p, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= uint32_t{p[i]} << (8 * i);
  return v;
}

// The header text and the offset where the data starts.
std::pair<std::string, size_t> split_header(const Bytes& bytes, const std::string& origin) {
  if (bytes.size() < kMagicSize + 2 || std::memcmp(bytes.data(), kMagic, kMagicSize) != 0)
    bad(origin, "not a .npy file (no \\x93NUMPY magic)");
  int major = bytes[kMagicSize], minor = bytes[kMagicSize + 1];
  if (major < 1 || major > 3 || minor != 0)
    bad(origin, "unsupported .npy format version " + std::to_string(major) + "." +
                    std::to_string(minor) + " (1.0, 2.0 and 3.0 are read)");
  size_t length_bytes = major == 1 ? 2 : 4;
  size_t preamble = kMagicSize + 2 + length_bytes;
  if (bytes.size() < preamble) bad(origin, "truncated in the header");
  size_t header_len = read_le(bytes.data() + kMagicSize + 2, length_bytes);
  if (bytes.size() - preamble < header_len) bad(origin, "truncated in the header");
  std::string text(bytes.begin() + preamble, bytes.begin() + preamble + header_len);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return {text, preamble + header_len};
}

// Converts the stored elements to the IR dtype: only f2 and f8 change width.
std::shared_ptr<Bytes> convert(const uint8_t* in, int64_t count, const StoredType& type) {
  auto out = std::make_shared<Bytes>(static_cast<size_t>(count) * dtype_size(type.dtype));
  if (type.kind == 'f' && type.stored_bytes != 4) {
    auto* values = reinterpret_cast<float*>(out->data());
    for (int64_t i = 0; i < count; ++i) {
      if (type.stored_bytes == 2) {
        uint16_t h;
        std::memcpy(&h, in + 2 * i, 2);
        values[i] = half_to_float(h);
      } else {
        double d;
        std::memcpy(&d, in + 8 * i, 8);
        values[i] = static_cast<float>(d);
      }
    }
  } else if (!out->empty()) {
    std::memcpy(out->data(), in, out->size());
  }
  return out;
}

// The data size the shape implies, or available + 1 for any larger size (so a
// hostile shape cannot overflow the arithmetic).
uint64_t data_bytes_needed(const Shape& shape, size_t item_bytes, size_t available) {
  for (int64_t dim : shape) if (dim == 0) return 0;
  uint64_t needed = item_bytes;
  for (int64_t dim : shape) {
    if (needed > available / static_cast<uint64_t>(dim)) return uint64_t{available} + 1;
    needed *= static_cast<uint64_t>(dim);
  }
  return needed;
}

std::string descr_of(DType dtype) {
  switch (dtype) {
    case DType::Float32: return "<f4";
    case DType::Float16: return "<f2";
    case DType::Int8: return "|i1";
    case DType::UInt8: return "|u1";
    case DType::Int16: return "<i2";
    case DType::Int32: return "<i4";
    case DType::Int64: return "<i8";
    case DType::Bool: return "|b1";
  }
  fail(ErrorKind::Internal, "npy: unknown dtype");
}

std::string stem(const std::string& path) {
  size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0) name.resize(name.size() - 4);
  return name;
}

}  // namespace

Tensor parse_npy(const Bytes& bytes, const std::string& origin) {
  auto [text, data_offset] = split_header(bytes, origin);
  Header header = HeaderReader(text, origin).read();
  if (header.fortran_order)
    bad(origin, "fortran_order is True; only C-order arrays are read (save np.ascontiguousarray(x))");
  StoredType type = stored_type(header.descr, origin);

  size_t available = bytes.size() - data_offset;
  uint64_t needed = data_bytes_needed(header.shape, type.stored_bytes, available);
  std::string what = "header says " + shape_string(header.shape) + " " + type.name();
  if (needed > available)
    bad(origin, "truncated: " + what + ", file holds " + std::to_string(available) +
                    " bytes of data");
  if (needed < available)
    bad(origin, std::to_string(available - needed) + " extra bytes after the data (" + what + ")");

  Tensor tensor;
  tensor.name = stem(origin);
  tensor.dtype = type.dtype;
  tensor.shape = header.shape;
  tensor.data = convert(bytes.data() + data_offset, tensor.element_count(), type);
  return tensor;
}

Tensor read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) bad(path, std::string("cannot open: ") + std::strerror(errno));
  Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) bad(path, std::string("read error: ") + std::strerror(errno));
  return parse_npy(bytes, path);
}

Bytes format_npy(DType dtype, const Shape& shape, const void* data, size_t size) {
  size_t expected = static_cast<size_t>(element_count(shape)) * dtype_size(dtype);
  if (size != expected)
    fail(ErrorKind::Internal, "write_npy: " + std::to_string(size) + " bytes for " +
                                  shape_string(shape) + " " + dtype_name(dtype));
  // The same text np.save writes, so our files are byte-identical to numpy's.
  std::string dims;
  for (size_t i = 0; i < shape.size(); ++i) dims += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) dims += ",";
  std::string header = "{'descr': '" + descr_of(dtype) + "', 'fortran_order': False, 'shape': (" +
                       dims + "), }";
  // Pads with spaces so the data starts at a multiple of 64 bytes.
  size_t preamble = kMagicSize + 4;
  size_t total = (preamble + header.size() + 1 + 63) / 64 * 64;
  header.append(total - preamble - header.size() - 1, ' ');
  header += '\n';
  if (header.size() > 0xffff) fail(ErrorKind::Internal, "write_npy: header too long");

  Bytes out(kMagic, kMagic + kMagicSize);
  out.push_back(1);
  out.push_back(0);
  out.push_back(static_cast<uint8_t>(header.size() & 0xff));
  out.push_back(static_cast<uint8_t>(header.size() >> 8));
  out.insert(out.end(), header.begin(), header.end());
  const auto* p = static_cast<const uint8_t*>(data);
  if (size) out.insert(out.end(), p, p + size);
  return out;
}

void write_npy(const std::string& path, DType dtype, const Shape& shape, const void* data,
               size_t size) {
  write_file_atomically(path, format_npy(dtype, shape, data, size));
}

void write_npy(const std::string& path, const Tensor& tensor) {
  if (!tensor.is_constant()) fail(ErrorKind::Internal, "write_npy: tensor '" + tensor.name + "' has no data");
  write_npy(path, tensor.dtype, tensor.shape, tensor.data->data(), tensor.byte_size());
}

}  // namespace octet
