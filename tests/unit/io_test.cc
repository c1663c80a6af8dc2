// .npy reading and writing, against files numpy 1.24 wrote
// (tests/data/io/make_expected.py).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "io/npy.h"
#include "io_test_util.h"

namespace octet {
namespace {

using io_test::data_path;

Bytes file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

template <typename T>
std::vector<T> values(const Tensor& t) {
  return std::vector<T>(t.data_as<T>(), t.data_as<T>() + t.element_count());
}

TEST(IoNpy, ReadsEveryDtypeNumpyWrites) {
  Tensor f4 = read_npy(data_path("npy/f4.npy"));
  EXPECT_EQ(f4.name, "f4");
  EXPECT_EQ(f4.dtype, DType::Float32);
  EXPECT_EQ(f4.shape, (Shape{2, 3}));
  EXPECT_EQ(values<float>(f4), (std::vector<float>{1.5f, -2.0f, 3.25f, 0.0f, 1e-3f, -7.0f}));

  Tensor i1 = read_npy(data_path("npy/i1.npy"));
  EXPECT_EQ(i1.dtype, DType::Int8);
  EXPECT_EQ(values<int8_t>(i1), (std::vector<int8_t>{-128, 0, 127}));

  Tensor u1 = read_npy(data_path("npy/u1.npy"));
  EXPECT_EQ(u1.dtype, DType::UInt8);
  EXPECT_EQ(u1.shape, (Shape{1, 2, 3}));
  EXPECT_EQ(values<uint8_t>(u1), (std::vector<uint8_t>{0, 1, 2, 3, 4, 5}));

  Tensor i2 = read_npy(data_path("npy/i2.npy"));
  EXPECT_EQ(i2.dtype, DType::Int16);
  EXPECT_EQ(values<int16_t>(i2), (std::vector<int16_t>{-32768, 32767}));

  Tensor i4 = read_npy(data_path("npy/i4.npy"));
  EXPECT_EQ(i4.dtype, DType::Int32);
  EXPECT_EQ(i4.shape, (Shape{2, 1}));
  EXPECT_EQ(values<int32_t>(i4), (std::vector<int32_t>{-5, 70000}));

  Tensor i8 = read_npy(data_path("npy/i8.npy"));
  EXPECT_EQ(i8.dtype, DType::Int64);
  EXPECT_EQ(values<int64_t>(i8), (std::vector<int64_t>{-(int64_t{1} << 40), 3}));

  Tensor b1 = read_npy(data_path("npy/b1.npy"));
  EXPECT_EQ(b1.dtype, DType::Bool);
  EXPECT_EQ(values<uint8_t>(b1), (std::vector<uint8_t>{1, 0, 1}));

  Tensor empty = read_npy(data_path("npy/empty.npy"));
  EXPECT_EQ(empty.shape, (Shape{2, 0}));
  EXPECT_EQ(empty.data->size(), 0u);
}

TEST(IoNpy, WidensHalfAndNarrowsDoubleToFloat32) {
  Tensor f2 = read_npy(data_path("npy/f2.npy"));
  EXPECT_EQ(f2.dtype, DType::Float32);
  // 6e-8 is stored as the smallest subnormal half, 2^-24.
  EXPECT_EQ(values<float>(f2), (std::vector<float>{1.0f, -0.5f, 65504.0f, 0x1p-24f}));

  Tensor f8 = read_npy(data_path("npy/f8.npy"));  // a 0-d array
  EXPECT_EQ(f8.dtype, DType::Float32);
  EXPECT_EQ(f8.shape, Shape{});
  EXPECT_EQ(values<float>(f8), std::vector<float>{0.1f});
}

TEST(IoNpy, ReadsFormatVersions2And3) {
  for (const char* name : {"npy/v2.npy", "npy/v3.npy"}) {
    Bytes bytes = file_bytes(data_path(name));
    ASSERT_GT(bytes.size(), 8u);
    EXPECT_GE(bytes[6], 2) << name;  // the file really is a later version
    Tensor t = parse_npy(bytes, name);
    EXPECT_EQ(t.dtype, DType::Int32);
    EXPECT_EQ(t.shape, (Shape{2, 2}));
    EXPECT_EQ(values<int32_t>(t), (std::vector<int32_t>{1, 2, 3, 4}));
  }
}

TEST(IoNpy, WritesTheBytesNumpyWrites) {
  for (const char* name : {"f4", "f2", "i1", "u1", "i2", "i4", "i8", "b1", "empty"}) {
    SCOPED_TRACE(name);
    Bytes expected = file_bytes(data_path(std::string("npy/") + name + ".npy"));
    Tensor t = read_npy(data_path(std::string("npy/") + name + ".npy"));
    if (std::string(name) == "f2") {
      // Our Float16 is raw half bits: write numpy's own bits back.
      t.dtype = DType::Float16;
      t.data = std::make_shared<Bytes>(expected.end() - 8, expected.end());
    }
    EXPECT_EQ(format_npy(t.dtype, t.shape, t.data->data(), t.byte_size()), expected);
  }
}

TEST(IoNpy, RoundTripsThroughAFile) {
  std::string path = io_test::fresh_dir("npy") / "x.npy";
  std::vector<float> data(1 * 3 * 4 * 5);
  for (size_t i = 0; i < data.size(); ++i) data[i] = 0.25f * i - 3;
  write_npy(path, make_constant("x", {1, 3, 4, 5}, data));
  Tensor back = read_npy(path);
  EXPECT_EQ(back.shape, (Shape{1, 3, 4, 5}));
  EXPECT_EQ(values<float>(back), data);
  EXPECT_EQ(file_bytes(path).size() % 64, (data.size() * 4) % 64);  // data starts 64-aligned
}

TEST(IoNpy, RejectsWhatItDoesNotRead) {
  EXPECT_OCTET_ERROR(read_npy(data_path("npy/fortran.npy")), ErrorKind::BadInput,
                     "fortran.npy: fortran_order is True");
  EXPECT_OCTET_ERROR(read_npy(data_path("npy/big_endian.npy")), ErrorKind::BadInput,
                     "big-endian dtype '>f4'");
  EXPECT_OCTET_ERROR(read_npy(data_path("npy/u2.npy")), ErrorKind::BadInput,
                     "unsupported dtype '<u2'");
  EXPECT_OCTET_ERROR(read_npy(data_path("npy/missing.npy")), ErrorKind::BadInput,
                     "missing.npy: cannot open");
}

TEST(IoNpy, NamesTheProblemWithABrokenFile) {
  Bytes good = file_bytes(data_path("npy/f4.npy"));  // [2,3] float32: 24 bytes of data
  Bytes truncated(good.begin(), good.end() - 4);
  EXPECT_OCTET_ERROR(parse_npy(truncated, "x.npy"), ErrorKind::BadInput,
                     "x.npy: truncated: header says [2,3] float32, file holds 20 bytes of data");
  Bytes longer = good;
  longer.push_back(0);
  EXPECT_OCTET_ERROR(parse_npy(longer, "x.npy"), ErrorKind::BadInput, "1 extra bytes");
  EXPECT_OCTET_ERROR(parse_npy(Bytes{'P', 'K', 3, 4}, "x.npy"), ErrorKind::BadInput,
                     "not a .npy file");
  Bytes version4 = good;
  version4[6] = 4;
  EXPECT_OCTET_ERROR(parse_npy(version4, "x.npy"), ErrorKind::BadInput, "format version 4.0");
  Bytes header_cut(good.begin(), good.begin() + 20);
  EXPECT_OCTET_ERROR(parse_npy(header_cut, "x.npy"), ErrorKind::BadInput, "truncated in the header");
}

TEST(IoNpy, ParsesHeaderVariants) {
  auto with_header = [](const std::string& header, size_t data_bytes) {
    std::string file = std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(header.size()) +
                       '\0' + header + std::string(data_bytes, '\7');
    return Bytes(file.begin(), file.end());
  };
  // Keys in any order, double quotes, Python 2 long dims, no trailing comma.
  Tensor t = parse_npy(with_header("{\"shape\": (2L, 3L), 'fortran_order': False, 'descr': '|u1'}\n", 6), "h");
  EXPECT_EQ(t.shape, (Shape{2, 3}));
  EXPECT_EQ(t.dtype, DType::UInt8);
  EXPECT_OCTET_ERROR(parse_npy(with_header("{'descr': '<f4', 'shape': (2,), }", 8), "h"),
                     ErrorKind::BadInput, "lacks");
  EXPECT_OCTET_ERROR(parse_npy(with_header("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", 4), "h"),
                     ErrorKind::BadInput, "structured");
  EXPECT_OCTET_ERROR(parse_npy(with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", 4), "h"),
                     ErrorKind::BadInput, "non-negative integer");
  // A shape whose size overflows 64 bits is simply too big for the file.
  EXPECT_OCTET_ERROR(
      parse_npy(with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 16), }", 4), "h"),
      ErrorKind::BadInput, "truncated");
}

TEST(IoNpy, WriteErrors) {
  std::vector<float> one{1.0f};
  EXPECT_OCTET_ERROR(write_npy("/nonexistent-dir/x.npy", DType::Float32, {1}, one.data(), 4),
                     ErrorKind::BadFile, "/nonexistent-dir/x.npy: cannot write");
  EXPECT_OCTET_ERROR(format_npy(DType::Float32, {2}, one.data(), 4), ErrorKind::Internal,
                     "4 bytes for [2] float32");
}

}  // namespace
}  // namespace octet
