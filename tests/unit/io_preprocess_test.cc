// Preprocessing recipes and their command-line flags: torchvision's rules,
// hand-derived, and one whole recipe against Pillow + numpy.
#include <gtest/gtest.h>

#include "io/npy.h"
#include "io/preprocess.h"
#include "io_test_util.h"

namespace octet {
namespace {

using io_test::data_path;

// An image whose pixel (y, x) holds y * 16 + x (single channel).
Image index_image(int h, int w) {
  Image image(h, w, 1);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) image.at(y, x, 0) = static_cast<uint8_t>(y * 16 + x);
  return image;
}

std::vector<float> floats(const Tensor& t) {
  return std::vector<float>(t.data_as<float>(), t.data_as<float>() + t.element_count());
}

TEST(IoPreprocess, ResizeShortSideKeepsAspectLikeTorchvision) {
  Image wide(256, 341, 3), tall(100, 50, 1), square(10, 10, 1);
  Image a = resize_short_side(wide, 183);  // long side int(183 * 341 / 256) = int(243.76)
  EXPECT_EQ(a.height, 183);
  EXPECT_EQ(a.width, 243);
  Image b = resize_short_side(tall, 30);
  EXPECT_EQ(b.height, 60);
  EXPECT_EQ(b.width, 30);
  Image c = resize_short_side(square, 7);
  EXPECT_EQ(c.height, 7);
  EXPECT_EQ(c.width, 7);
}

TEST(IoPreprocess, CenterCropRoundsHalvesToEven) {
  // top = round((10 - 4) / 2) = 3; left = round((15 - 4) / 2) = round(5.5) = 6
  Image a = center_crop(index_image(10, 15), 4, 4);
  EXPECT_EQ(a.at(0, 0, 0), 3 * 16 + 6);
  // left = round((14 - 5) / 2) = round(4.5) = 4 (half to even), top = round(0.5) = 0
  Image b = center_crop(index_image(3, 14), 2, 5);
  EXPECT_EQ(b.at(0, 0, 0), 0 * 16 + 4);
  EXPECT_EQ(b.at(1, 4, 0), 1 * 16 + 8);
}

TEST(IoPreprocess, CenterCropLargerThanTheImagePadsWithZeros) {
  // torchvision pads (crop - size) // 2 before and the rest after.
  Image image = index_image(2, 2);  // 0 1 / 16 17
  Image out = center_crop(image, 5, 3);
  std::vector<uint8_t> expected = {0, 0, 0,  //
                                   0, 1, 0,  //
                                   16, 17, 0,  //
                                   0, 0, 0,  //
                                   0, 0, 0};
  EXPECT_EQ(out.pixels, expected);
}

TEST(IoPreprocess, WholeRecipeMatchesPillowAndNumpy) {
  Preprocess recipe;
  recipe.resize_short = 32;       // 47x61 -> 32x41
  recipe.crop_hw = {{24, 20}};    // left = round(10.5) = 10
  recipe.mean = {123.675f, 116.28f, 103.53f};
  recipe.std = {58.395f, 57.12f, 57.375f};
  recipe.layout = Preprocess::NCHW;
  Tensor ours = load_image_tensor(data_path("gradient.png"), recipe);
  Tensor expected = read_npy(data_path("gradient_recipe_nchw.npy"));
  EXPECT_EQ(ours.shape, (Shape{1, 3, 24, 20}));
  EXPECT_EQ(expected.shape, ours.shape);
  EXPECT_EQ(floats(ours), floats(expected));  // float32 arithmetic, as numpy's
}

TEST(IoPreprocess, ChannelOrderNormalizationAndLayout) {
  Image pixel(1, 2, 3);
  pixel.pixels = {10, 20, 30, 40, 50, 60};
  Preprocess recipe;
  recipe.color = Preprocess::BGR;
  recipe.mean = {1, 2, 3};  // per output channel: B, G, R
  recipe.std = {1, 2, 4};
  Tensor nhwc = preprocess_image(pixel, recipe);
  EXPECT_EQ(nhwc.shape, (Shape{1, 1, 2, 3}));
  EXPECT_EQ(floats(nhwc), (std::vector<float>{29, 9, 1.75f, 59, 24, 9.25f}));
  recipe.layout = Preprocess::NCHW;
  Tensor nchw = preprocess_image(pixel, recipe);
  EXPECT_EQ(nchw.shape, (Shape{1, 3, 1, 2}));
  EXPECT_EQ(floats(nchw), (std::vector<float>{29, 59, 9, 24, 1.75f, 9.25f}));

  Preprocess gray;
  gray.color = Preprocess::Gray;
  gray.std = {2};
  Tensor g = preprocess_image(pixel, gray);  // L(10,20,30) = 18, L(40,50,60) = 48
  EXPECT_EQ(g.shape, (Shape{1, 1, 2, 1}));
  EXPECT_EQ(floats(g), (std::vector<float>{9, 24}));
}

TEST(IoPreprocess, RejectsInconsistentRecipes) {
  Image image(4, 4, 3);
  Preprocess two_resizes;
  two_resizes.resize_short = 2;
  two_resizes.resize_hw = {{2, 2}};
  EXPECT_OCTET_ERROR(preprocess_image(image, two_resizes), ErrorKind::Usage, "not both");
  Preprocess gray_with_three_means;
  gray_with_three_means.color = Preprocess::Gray;
  gray_with_three_means.mean = {1, 2, 3};
  EXPECT_OCTET_ERROR(preprocess_image(image, gray_with_three_means), ErrorKind::Usage, "--mean");
  Preprocess zero_std;
  zero_std.std = {0};
  EXPECT_OCTET_ERROR(preprocess_image(image, zero_std), ErrorKind::Usage, "--std");
}

TEST(IoFlags, DefaultsFollowTheInputShape) {
  Preprocess nchw = default_for_input({1, 3, 224, 224});
  EXPECT_EQ(nchw.layout, Preprocess::NCHW);
  EXPECT_EQ(nchw.color, Preprocess::RGB);
  EXPECT_EQ(nchw.crop_hw, std::make_pair(224, 224));
  EXPECT_FALSE(nchw.resize_short || nchw.resize_hw);
  EXPECT_EQ(nchw.mean, std::vector<float>{0});
  EXPECT_EQ(nchw.std, std::vector<float>{1});

  Preprocess nhwc = default_for_input({1, 160, 128, 3});
  EXPECT_EQ(nhwc.layout, Preprocess::NHWC);
  EXPECT_EQ(nhwc.crop_hw, std::make_pair(160, 128));

  Preprocess mnist = default_for_input({1, 1, 28, 28});
  EXPECT_EQ(mnist.layout, Preprocess::NCHW);
  EXPECT_EQ(mnist.color, Preprocess::Gray);
  EXPECT_EQ(default_for_input({1, 28, 28, 1}).layout, Preprocess::NHWC);

  EXPECT_OCTET_ERROR(default_for_input({1, 3, 3, 3}), ErrorKind::Usage, "--layout");
  EXPECT_OCTET_ERROR(default_for_input({1, 10}), ErrorKind::Usage, "rank 4");
}

TEST(IoFlags, ParsesEveryFlag) {
  PreprocessFlags flags;
  flags.resize = "256";
  flags.crop = "224";
  flags.mean = "127.5";
  flags.std = "127.5";
  Preprocess a = parse_preprocess(flags, {1, 224, 224, 3});
  EXPECT_EQ(a.resize_short, 256);
  EXPECT_EQ(a.crop_hw, std::make_pair(224, 224));
  EXPECT_EQ(a.mean, std::vector<float>{127.5f});
  EXPECT_EQ(a.layout, Preprocess::NHWC);

  flags = {};
  flags.resize = "200x300";
  flags.crop = "180x240";
  flags.mean = "104,117,123";
  flags.std = "1,2,3";
  flags.color = "BGR";
  flags.layout = "nchw";
  Preprocess b = parse_preprocess(flags, {1, 3, 3, 3});  // ambiguous, but --layout says
  EXPECT_EQ(b.resize_hw, std::make_pair(200, 300));
  EXPECT_EQ(b.crop_hw, std::make_pair(180, 240));
  EXPECT_EQ(b.mean, (std::vector<float>{104, 117, 123}));
  EXPECT_EQ(b.std, (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(b.color, Preprocess::BGR);
  EXPECT_EQ(b.layout, Preprocess::NCHW);

  Preprocess unknown_shape = parse_preprocess(PreprocessFlags{}, {});
  EXPECT_FALSE(unknown_shape.crop_hw);
}

TEST(IoFlags, NamesTheBadFlag) {
  auto with = [](std::string PreprocessFlags::*field, const std::string& value) {
    PreprocessFlags flags;
    flags.*field = value;
    return parse_preprocess(flags, {1, 3, 224, 224});
  };
  for (const char* bad : {"abc", "0", "12x", "x12", "-5", "3.5", "12x0"}) {
    SCOPED_TRACE(bad);
    EXPECT_OCTET_ERROR(with(&PreprocessFlags::resize, bad), ErrorKind::Usage, "--resize");
    EXPECT_OCTET_ERROR(with(&PreprocessFlags::crop, bad), ErrorKind::Usage, "--crop");
  }
  for (const char* bad : {"", ",", "1,2", "1,2,3,4", "a", "1,,3", "nan"}) {
    if (std::string(bad).empty()) continue;  // empty = not given
    SCOPED_TRACE(bad);
    EXPECT_OCTET_ERROR(with(&PreprocessFlags::mean, bad), ErrorKind::Usage, "--mean");
  }
  EXPECT_OCTET_ERROR(with(&PreprocessFlags::std, "0"), ErrorKind::Usage, "--std");
  EXPECT_OCTET_ERROR(with(&PreprocessFlags::color, "hsv"), ErrorKind::Usage, "--color");
  EXPECT_OCTET_ERROR(with(&PreprocessFlags::layout, "chw"), ErrorKind::Usage, "--layout");
  // Settings that cannot fit the input.
  EXPECT_OCTET_ERROR(with(&PreprocessFlags::color, "gray"), ErrorKind::Usage, "--color gray");
  PreprocessFlags gray_means;
  gray_means.mean = "1,2,3";
  EXPECT_OCTET_ERROR(parse_preprocess(gray_means, {1, 1, 28, 28}), ErrorKind::Usage, "--mean");
  PreprocessFlags wrong_layout;
  wrong_layout.layout = "nchw";
  EXPECT_OCTET_ERROR(parse_preprocess(wrong_layout, {1, 224, 224, 3}), ErrorKind::Usage, "224 channels");
}

}  // namespace
}  // namespace octet
