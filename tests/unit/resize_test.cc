// Resize through the TFLite mappings: RESIZE_BILINEAR and
// RESIZE_NEAREST_NEIGHBOR with align_corners / half_pixel_centers. Expected
// values are worked out by hand from TFLite's coordinate formulas.
#include <gtest/gtest.h>

#include "single_op_harness.h"

namespace octet {
namespace {

using testing::Input;

Input size(int32_t h, int32_t w) { return Input{{2}, {}, false, {h, w}}; }

testing::Result bilinear(const Input& image, Input out_size, bool align_corners, bool half_pixel) {
  auto options = [=](flatbuffers::FlatBufferBuilder& fbb) {
    return tflite::CreateResizeBilinearOptions(fbb, align_corners, half_pixel).Union();
  };
  return testing::run_tflite_op(tflite::BuiltinOperator_RESIZE_BILINEAR, tflite::BuiltinOptions_ResizeBilinearOptions,
                                options, {image, out_size});
}

testing::Result nearest(const Input& image, Input out_size, bool align_corners, bool half_pixel) {
  auto options = [=](flatbuffers::FlatBufferBuilder& fbb) {
    return tflite::CreateResizeNearestNeighborOptions(fbb, align_corners, half_pixel).Union();
  };
  return testing::run_tflite_op(tflite::BuiltinOperator_RESIZE_NEAREST_NEIGHBOR,
                                tflite::BuiltinOptions_ResizeNearestNeighborOptions, options, {image, out_size});
}

void expect_near(const std::vector<float>& actual, const std::vector<float>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) EXPECT_NEAR(actual[i], expected[i], 1e-5) << "at " << i;
}

// 2x2 image [[1, 2], [3, 4]], two channels (the second is 10x the first).
const Input kImage{{1, 2, 2, 2}, {1, 10, 2, 20, 3, 30, 4, 40}};

// Channel 0 of a [1,4,4,2] result.
std::vector<float> first_channel(const std::vector<float>& v) {
  std::vector<float> c;
  for (size_t i = 0; i < v.size(); i += 2) c.push_back(v[i]);
  return c;
}

TEST(ResizeBilinear, HalfPixelCenters) {
  // Source coordinate (o + 0.5) * 2/4 - 0.5 = -0.25, 0.25, 0.75, 1.25: the ends
  // clamp to the edge pixels, the middle blends 3:1 and 1:3. Along x that
  // gives 1, 1.25, 1.75, 2; along y it adds 0, 0.5, 1.5, 2.
  auto y = bilinear(kImage, size(4, 4), false, true);
  EXPECT_EQ(y.shape, (Shape{1, 4, 4, 2}));
  expect_near(first_channel(y.values), {1, 1.25f, 1.75f, 2,       //
                                        1.5f, 1.75f, 2.25f, 2.5f,  //
                                        2.5f, 2.75f, 3.25f, 3.5f,  //
                                        3, 3.25f, 3.75f, 4});
  EXPECT_NEAR(y.values[2 * 5 + 1], 17.5f, 1e-4);  // channel 1 at (1, 1) is 10x
}

TEST(ResizeBilinear, NeitherFlagIsAsymmetric) {
  // Source coordinate o * 2/4 = 0, 0.5, 1, 1.5 (the last clamps to 1).
  auto y = bilinear(kImage, size(4, 4), false, false);
  expect_near(first_channel(y.values), {1, 1.5f, 2, 2,  //
                                        2, 2.5f, 3, 3,  //
                                        3, 3.5f, 4, 4,  //
                                        3, 3.5f, 4, 4});
}

TEST(ResizeBilinear, AlignCorners) {
  // Source coordinate o * (2-1)/(4-1) = 0, 1/3, 2/3, 1.
  auto y = bilinear(kImage, size(1, 4), true, false);
  // One output row with align_corners maps to source row 0.
  expect_near(first_channel(y.values), {1, 4 / 3.0f, 5 / 3.0f, 2});
}

TEST(ResizeBilinear, AlignCornersWithHalfPixelIsUnsupported) {
  try {
    bilinear(kImage, size(4, 4), true, true);
    FAIL() << "expected Unsupported";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unsupported);
  }
}

// A 1x3 row [10, 20, 30] resized to width 5 (scale 3/5).
const Input kRow{{1, 1, 3, 1}, {10, 20, 30}};

TEST(ResizeNearest, DefaultFloors) {
  // floor(o * 0.6) = 0, 0, 1, 1, 2.
  EXPECT_EQ(nearest(kRow, size(1, 5), false, false).values, (std::vector<float>{10, 10, 20, 20, 30}));
}

TEST(ResizeNearest, HalfPixelCentersFloorsTheShiftedCoordinate) {
  // floor((o + 0.5) * 0.6) = floor(0.3, 0.9, 1.5, 2.1, 2.7) = 0, 0, 1, 2, 2.
  EXPECT_EQ(nearest(kRow, size(1, 5), false, true).values, (std::vector<float>{10, 10, 20, 30, 30}));
}

TEST(ResizeNearest, AlignCornersRoundsHalfUp) {
  // round(o * 2/4) = round(0, 0.5, 1, 1.5, 2) = 0, 1, 1, 2, 2.
  EXPECT_EQ(nearest(kRow, size(1, 5), true, false).values, (std::vector<float>{10, 20, 20, 30, 30}));
}

TEST(Resize, IrScalesOverrideOutOverIn) {
  // ONNX scale 0.6 on 4 pixels gives 2 outputs, sampled at (o + 0.5) / 0.6 - 0.5
  // = 1/3 and 2: linear gives 1 + 1/3 and 3 on the row [1, 2, 3, 4].
  Attributes attrs;
  attrs.set("size", std::vector<int64_t>{1, 2});
  attrs.set("mode", std::string("linear"));
  attrs.set("coordinate_transformation_mode", std::string("half_pixel"));
  attrs.set("scales", std::vector<float>{1.0f, 0.6f});
  auto y = testing::run_op(OpKind::Resize, {Input{{1, 1, 4, 1}, {1, 2, 3, 4}}}, attrs);
  expect_near(y.values, {1 + 1 / 3.0f, 3});
}

}  // namespace
}  // namespace octet
