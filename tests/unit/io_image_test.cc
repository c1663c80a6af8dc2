// Image decoding and Pillow-compatible bilinear resizing, against Pillow 9.4's
// own outputs (tests/data/io/make_expected.py) and hand-derived values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "io/image.h"
#include "io/jpeg_decoder.h"
#include "io/npy.h"
#include "io/pil_resize.h"
#include "io/preprocess.h"
#include "io_test_util.h"

namespace octet {
namespace {

using io_test::checksum;
using io_test::data_path;

Image image_of(int h, int w, int c, std::vector<uint8_t> pixels) {
  Image image(h, w, c);
  image.pixels = std::move(pixels);
  return image;
}

// An HxWxC uint8 .npy file as an image.
Image expected_image(const std::string& name) {
  Tensor t = read_npy(data_path(name));
  EXPECT_EQ(t.dtype, DType::UInt8);
  EXPECT_EQ(t.shape.size(), 3u);
  Image image(t.shape[0], t.shape[1], t.shape[2]);
  std::copy(t.data->begin(), t.data->end(), image.pixels.begin());
  return image;
}

Image crop(const Image& image, int top, int left, int h, int w) {
  Image out(h, w, image.channels);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < image.channels; ++c) out.at(y, x, c) = image.at(top + y, left + x, c);
  return out;
}

int max_difference(const Image& a, const Image& b) {
  EXPECT_EQ(a.height, b.height);
  EXPECT_EQ(a.width, b.width);
  EXPECT_EQ(a.channels, b.channels);
  if (a.pixels.size() != b.pixels.size()) return 256;
  int worst = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) worst = std::max(worst, std::abs(a.pixels[i] - b.pixels[i]));
  return worst;
}

void expect_same(const Image& actual, const Image& expected) {
  ASSERT_EQ(actual.height, expected.height);
  ASSERT_EQ(actual.width, expected.width);
  ASSERT_EQ(actual.channels, expected.channels);
  EXPECT_EQ(max_difference(actual, expected), 0);
}

TEST(IoImage, DecodesPngPixelsExactly) {
  Image rgb = decode_image(data_path("gradient.png"));
  ASSERT_EQ(rgb.height, 47);
  ASSERT_EQ(rgb.width, 61);
  ASSERT_EQ(rgb.channels, 3);
  for (int y = 0; y < 47; ++y)
    for (int x = 0; x < 61; ++x) {
      ASSERT_EQ(rgb.at(y, x, 0), (x * 4 + y) % 256);  // the generator's formulas
      ASSERT_EQ(rgb.at(y, x, 1), (y * 5) % 256);
    }
  Image gray = decode_image(data_path("gray.png"));
  ASSERT_EQ(gray.channels, 1);
  EXPECT_EQ(gray.at(14, 19, 0), (19 * 13 + 14 * 14 * 3) % 256);
}

TEST(IoImage, DecodesBmpAlphaAndPalettesLikePillowConvert) {
  Image png = decode_image(data_path("gradient.png"));
  Image piece = crop(png, 3, 5, 20, 24);  // what the BMP and the PNGs below hold
  expect_same(decode_image(data_path("small.bmp")), piece);
  expect_same(decode_image(data_path("rgba.png")), piece);  // alpha dropped
  Image la = decode_image(data_path("la.png"));            // gray = piece's green, + alpha
  ASSERT_EQ(la.channels, 1);
  EXPECT_EQ(la.at(7, 9, 0), piece.at(7, 9, 1));
  expect_same(decode_image(data_path("palette.png")), expected_image("palette_as_rgb.npy"));
}

TEST(IoImage, ConvertsBetweenGrayAndRgb) {
  Image rgb = image_of(1, 3, 3, {255, 0, 0, 0, 255, 0, 18, 52, 86});
  Image gray = to_gray(rgb);
  // Pillow convert("L"): (19595 R + 38470 G + 7471 B + 2^15) >> 16.
  EXPECT_EQ(gray.pixels, (std::vector<uint8_t>{76, 150, 46}));
  Image back = to_rgb(gray);
  EXPECT_EQ(back.pixels, (std::vector<uint8_t>{76, 76, 76, 150, 150, 150, 46, 46, 46}));
  // decode_image converts on request.
  Image as_gray = decode_image(data_path("gradient.png"), 1);
  EXPECT_EQ(as_gray.pixels, to_gray(decode_image(data_path("gradient.png"))).pixels);
  EXPECT_EQ(decode_image(data_path("gray.png"), 3).at(2, 3, 2), decode_image(data_path("gray.png")).at(2, 3, 0));
}

TEST(IoImage, GrayMatchesPillowOnEveryColor) {
  Image all(4096, 4096, 3);  // every 24-bit color, in order
  for (uint32_t i = 0; i < (1u << 24); ++i) {
    all.pixels[3 * i] = i >> 16;
    all.pixels[3 * i + 1] = (i >> 8) & 255;
    all.pixels[3 * i + 2] = i & 255;
  }
  Image gray = to_gray(all);
  EXPECT_EQ(checksum(gray.pixels.data(), gray.pixels.size()), 4593672517200489853ull);
}

// JPEGs decode with libjpeg-turbo, the decoder Pillow uses: pixels must be
// identical (stb_image's own decoder was up to 3 levels off on shared/data).
constexpr int jpeg_tolerance() { return 0; }

TEST(IoImage, JpegDecodesLikePillow) {
  for (const std::string name : {"small", "small_progressive", "gray"}) {
    SCOPED_TRACE(name);
    Image ours = decode_image(data_path(name + ".jpg"));
    EXPECT_LE(max_difference(ours, expected_image(name + "_pillow.npy")), jpeg_tolerance());
  }
  std::string broken = "\xff\xd8\xff\xdb not really a JPEG";
  EXPECT_OCTET_ERROR(decode_image(reinterpret_cast<const uint8_t*>(broken.data()), broken.size(), "b.jpg"),
                     ErrorKind::BadInput, "b.jpg: cannot decode image: ");
}

TEST(IoImage, NamesTheFileAndStbsReason) {
  EXPECT_OCTET_ERROR(decode_image(data_path("missing.png")), ErrorKind::BadInput, "missing.png: cannot open");
  std::string junk = "this is not an image";
  EXPECT_OCTET_ERROR(decode_image(reinterpret_cast<const uint8_t*>(junk.data()), junk.size(), "junk.jpg"),
                     ErrorKind::BadInput, "junk.jpg: cannot decode image: unknown image type");
  auto dir = io_test::fresh_dir("image");
  std::ifstream in(data_path("gradient.png"), std::ios::binary);
  std::string png((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  io_test::write_file(dir / "cut.png", png.substr(0, png.size() / 2));
  EXPECT_OCTET_ERROR(decode_image((dir / "cut.png").string()), ErrorKind::BadInput, "cut.png: cannot decode image: ");
}

TEST(IoResize, HandDerivedTriangleFilter) {
  // Down 2x: the triangle spans 2 input pixels each side of the output's
  // center. Output 0 (center 1.0) weighs inputs 0,1,2 as 0.75,0.75,0.25 (/1.75):
  // (0*3 + 100*3 + 200) / 7 = 71.4 -> 71; output 1: (100 + 200*3 + 255*3) / 7 = 209.3.
  Image row = image_of(1, 4, 1, {0, 100, 200, 255});
  EXPECT_EQ(resize_bilinear_pil(row, 1, 2).pixels, (std::vector<uint8_t>{71, 209}));
  // Up 2x: plain linear interpolation, edges clamped: 0, 255/4, 3*255/4, 255.
  Image pair = image_of(2, 1, 1, {0, 255});
  EXPECT_EQ(resize_bilinear_pil(pair, 4, 1).pixels, (std::vector<uint8_t>{0, 64, 191, 255}));
  // Same size: untouched.
  Image any = image_of(2, 2, 3, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  EXPECT_EQ(resize_bilinear_pil(any, 2, 2).pixels, any.pixels);
}

TEST(IoResize, MatchesPillowExactly) {
  Image gradient = decode_image(data_path("gradient.png"));
  expect_same(resize_bilinear_pil(gradient, 17, 23), expected_image("gradient_17x23.npy"));
  Image up = resize_bilinear_pil(gradient, 100, 130);
  EXPECT_EQ(checksum(up.pixels.data(), up.pixels.size()), 10420300079218975ull);
  expect_same(crop(up, 40, 50, 16, 16), expected_image("gradient_100x130_crop.npy"));
  expect_same(resize_bilinear_pil(decode_image(data_path("gray.png")), 40, 33), expected_image("gray_40x33.npy"));

  Image photo = decode_image(data_path("photo_patch.png"));  // 48x64 of a real photo
  expect_same(resize_short_side(photo, 37), expected_image("photo_short37.npy"));
  expect_same(resize_short_side(to_gray(photo), 20), expected_image("photo_gray_short20.npy"));
}

TEST(IoResize, RealJpegShortSide256To183) {
  // shared/data's tench, resized as mobilenet_v1_0.5_160's recipe says. Our
  // resize is exact (above); only stb's JPEG decoding differs from Pillow's.
  std::string path = io_test::shared_path("data/imagenet/n01440764/n01440764_tench.JPEG");
  if (!std::filesystem::exists(path)) {
    const char* ci = std::getenv("CI");
    if (ci && std::string(ci) == "true") FAIL() << "missing " << path << " (needed in CI)";
    GTEST_SKIP() << "no " << path;
  }
  Image small = resize_short_side(decode_image(path), 183);
  ASSERT_EQ(small.height, 183);
  ASSERT_EQ(small.width, 243);  // int(183 * 341 / 256) = int(243.76)
  EXPECT_LE(max_difference(crop(small, 83, 113, 16, 16), expected_image("tench_183_crop.npy")),
            jpeg_tolerance());
  EXPECT_EQ(checksum(small.pixels.data(), small.pixels.size()), 29851419428460963ull);
}

}  // namespace
}  // namespace octet
