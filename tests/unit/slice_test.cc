// Slice: the IR kernel on normalized windows, and TFLite STRIDED_SLICE / SLICE
// mappings (masks, negative strides, shrink axes). Expected values are derived
// by hand from the 3x4 matrix 0..11:
//   [[0, 1, 2, 3],
//    [4, 5, 6, 7],
//    [8, 9, 10, 11]]
#include <gtest/gtest.h>

#include <numeric>

#include "single_op_harness.h"

namespace octet {
namespace {

using testing::Input;

std::vector<float> iota(int n) {
  std::vector<float> v(n);
  std::iota(v.begin(), v.end(), 0.0f);
  return v;
}

const Input kMatrix{{3, 4}, iota(12)};

Input ints(std::vector<int32_t> v) { return Input{{static_cast<int64_t>(v.size())}, {}, false, std::move(v)}; }

struct Masks {
  int begin = 0, end = 0, shrink = 0, ellipsis = 0, new_axis = 0;
};

testing::Result strided_slice(const Input& data, std::vector<int32_t> begin, std::vector<int32_t> end,
                              std::vector<int32_t> strides, Masks m) {
  auto options = [m](flatbuffers::FlatBufferBuilder& fbb) {
    return tflite::CreateStridedSliceOptions(fbb, m.begin, m.end, m.ellipsis, m.new_axis, m.shrink).Union();
  };
  return testing::run_tflite_op(tflite::BuiltinOperator_STRIDED_SLICE, tflite::BuiltinOptions_StridedSliceOptions,
                                options, {data, ints(begin), ints(end), ints(strides)});
}

TEST(Slice, KernelWalksNormalizedWindow) {
  // Rows 2 then 0 (step -2), columns 1 and 3 (step 2).
  Attributes attrs;
  attrs.set("starts", std::vector<int64_t>{2, 1});
  attrs.set("ends", std::vector<int64_t>{-1, 4});
  attrs.set("steps", std::vector<int64_t>{-2, 2});
  auto y = testing::run_op(OpKind::Slice, {kMatrix}, attrs);
  EXPECT_EQ(y.shape, (Shape{2, 2}));
  EXPECT_EQ(y.values, (std::vector<float>{9, 11, 1, 3}));
}

TEST(Slice, KernelRejectsWindowOutsideInput) {
  Attributes attrs;
  attrs.set("starts", std::vector<int64_t>{0, 2});
  attrs.set("ends", std::vector<int64_t>{3, 6});
  attrs.set("steps", std::vector<int64_t>{1, 1});
  try {
    testing::run_op(OpKind::Slice, {kMatrix}, attrs);
    FAIL() << "expected a shape error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadShape);
  }
}

TEST(StridedSlice, EndMaskTakesEverythingToTheEnd) {
  auto y = strided_slice(kMatrix, {1, 0}, {0, 0}, {1, 1}, Masks{0, 0b11});
  EXPECT_EQ(y.shape, (Shape{2, 4}));
  EXPECT_EQ(y.values, (std::vector<float>{4, 5, 6, 7, 8, 9, 10, 11}));
}

TEST(StridedSlice, BeginMaskStartsAtZero) {
  // begin[0] = 2 is ignored: rows 0..1; columns 1..2.
  auto y = strided_slice(kMatrix, {2, 1}, {2, 3}, {1, 1}, Masks{0b01, 0});
  EXPECT_EQ(y.shape, (Shape{2, 2}));
  EXPECT_EQ(y.values, (std::vector<float>{1, 2, 5, 6}));
}

TEST(StridedSlice, ShrinkAxisDropsTheDimensionAndIgnoresEnd) {
  // Row -1 (the last), every other column; end[0] = 0 would be empty if used.
  auto y = strided_slice(kMatrix, {-1, 0}, {0, 4}, {1, 2}, Masks{0, 0, 0b01});
  EXPECT_EQ(y.shape, (Shape{2}));
  EXPECT_EQ(y.values, (std::vector<float>{8, 10}));
}

TEST(StridedSlice, ShrinkingEveryAxisGivesAScalar) {
  auto y = strided_slice(kMatrix, {1, 2}, {2, 3}, {1, 1}, Masks{0, 0, 0b11});
  EXPECT_EQ(y.shape, (Shape{}));
  EXPECT_EQ(y.values, (std::vector<float>{6}));
}

TEST(StridedSlice, NegativeStridesWithEndMaskRunToTheFront) {
  // Rows 2 down to (excluding) 0; columns 3 down to 0 (end masked).
  auto y = strided_slice(kMatrix, {-1, -1}, {0, 0}, {-1, -1}, Masks{0, 0b10});
  EXPECT_EQ(y.shape, (Shape{2, 4}));
  EXPECT_EQ(y.values, (std::vector<float>{11, 10, 9, 8, 7, 6, 5, 4}));
}

TEST(StridedSlice, OutOfRangeBoundsClamp) {
  // begin -10 clamps to 0 and end 99 to 3 going forward; backward, begin 99
  // clamps to 3 and end -10 to "before 0".
  auto y = strided_slice(kMatrix, {-10, 99}, {99, -10}, {2, -3}, Masks{});
  EXPECT_EQ(y.shape, (Shape{2, 2}));
  EXPECT_EQ(y.values, (std::vector<float>{3, 0, 11, 8}));
}

TEST(StridedSlice, MissingTrailingDimensionsAreTakenWhole) {
  auto y = strided_slice(Input{{2, 3, 2}, iota(12)}, {1}, {2}, {1}, Masks{});
  EXPECT_EQ(y.shape, (Shape{1, 3, 2}));
  EXPECT_EQ(y.values, (std::vector<float>{6, 7, 8, 9, 10, 11}));
}

TEST(StridedSlice, EllipsisIsUnsupported) {
  try {
    strided_slice(kMatrix, {0, 0}, {1, 1}, {1, 1}, Masks{0, 0, 0, 0b01});
    FAIL() << "expected Unsupported";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unsupported);
  }
}

TEST(TfliteSlice, SizeMinusOneRunsToTheEnd) {
  auto y = testing::run_tflite_op(tflite::BuiltinOperator_SLICE, tflite::BuiltinOptions_NONE, testing::no_options,
                                  {kMatrix, ints({1, 2}), ints({1, -1})});
  EXPECT_EQ(y.shape, (Shape{1, 2}));
  EXPECT_EQ(y.values, (std::vector<float>{6, 7}));
}

}  // namespace
}  // namespace octet
