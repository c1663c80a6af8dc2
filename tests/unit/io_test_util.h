// Helpers shared by the io_*_test.cc files.
#pragma once
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "graph/error.h"
#include "graph/tensor.h"
#include "io/image.h"

namespace octet::io_test {

// Files made by tests/data/io/make_expected.py (Pillow 9.4, numpy 1.24).
inline std::string data_path(const std::string& name) {
  return std::string(OCTET_SOURCE_DIR) + "/tests/data/io/" + name;
}

// shared/ sits beside the checkout (see shared/README.md).
inline std::string shared_path(const std::string& name) {
  return std::string(OCTET_SOURCE_DIR) + "/../shared/" + name;
}

// make_expected.py's checksum: sum(v[i] * ((i * 2654435761) mod 2^32)) mod 2^64.
inline uint64_t checksum(const uint8_t* bytes, size_t size) {
  uint64_t sum = 0;
  for (size_t i = 0; i < size; ++i) sum += bytes[i] * ((i * 2654435761ull) & 0xffffffffull);
  return sum;
}

// A fresh empty folder under the test temp dir.
inline std::filesystem::path fresh_dir(const std::string& name) {
  std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / ("octet_io_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

// The message of the octet::Error `statement` throws, after checking its kind.
#define EXPECT_OCTET_ERROR(statement, error_kind, substring)                          \
  do {                                                                                \
    try {                                                                             \
      statement;                                                                      \
      ADD_FAILURE() << "no error from " #statement;                                   \
    } catch (const ::octet::Error& e) {                                               \
      EXPECT_EQ(e.kind(), error_kind) << e.what();                                    \
      EXPECT_NE(std::string(e.what()).find(substring), std::string::npos) << e.what(); \
    }                                                                                 \
  } while (0)

}  // namespace octet::io_test
