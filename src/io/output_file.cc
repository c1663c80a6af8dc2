#include "io/output_file.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "graph/error.h"

namespace octet {

void write_file_atomically(const std::string& path, const Bytes& bytes) {
  std::string temp = path + ".tmp-octet";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (out) out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::remove(temp.c_str());
      fail(ErrorKind::BadFile, path + ": cannot write");
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::remove(temp.c_str());
    fail(ErrorKind::BadFile, path + ": cannot write (" + ec.message() + ")");
  }
}

}  // namespace octet
