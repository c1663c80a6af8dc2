// Image listings: ImageFolder trees, class lists, list files, and the real
// layouts in shared/data checked against their labels.csv.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "io/dataset.h"
#include "io_test_util.h"

namespace octet {
namespace {

namespace fs = std::filesystem;
using io_test::write_file;

std::vector<std::pair<std::string, int>> relative(const std::vector<LabeledImage>& images,
                                                  const fs::path& root) {
  std::vector<std::pair<std::string, int>> out;
  for (const auto& image : images)
    out.emplace_back(fs::path(image.path).lexically_relative(root).string(), image.label);
  return out;
}

TEST(IoDataset, ImageFolderSortsRecursesAndLabels) {
  fs::path root = io_test::fresh_dir("folder");
  for (const char* name : {"b/x.PNG", "a/sub/y.jpg", "a/z.jpeg", "top.bmp", "readme.txt",
                           "a/notes.csv", ".hidden/q.jpg", "a/.q.jpg"})
    write_file(root / name, "");
  fs::create_directories(root / "c");  // an empty class still counts
  using Entries = std::vector<std::pair<std::string, int>>;
  EXPECT_EQ(relative(list_image_folder(root.string()), root),
            (Entries{{"a/sub/y.jpg", 0}, {"a/z.jpeg", 0}, {"b/x.PNG", 1}, {"top.bmp", -1}}));

  // A given class list decides the labels.
  EXPECT_EQ(relative(list_image_folder(root.string(), {"c", "b", "a"}), root),
            (Entries{{"a/sub/y.jpg", 2}, {"a/z.jpeg", 2}, {"b/x.PNG", 1}, {"top.bmp", -1}}));
  EXPECT_OCTET_ERROR(list_image_folder(root.string(), {"a"}), ErrorKind::BadInput,
                     "class folder 'b' is not in the class list");
}

TEST(IoDataset, NumericClassFoldersAreTheirOwnLabels) {
  fs::path root = io_test::fresh_dir("numeric");
  for (const char* name : {"0/a.png", "1/a.png", "2/a.png", "10/a.png"}) write_file(root / name, "");
  // Sorted by name "10" would be class 2; its number is 10.
  using Entries = std::vector<std::pair<std::string, int>>;
  EXPECT_EQ(relative(list_image_folder(root.string()), root),
            (Entries{{"0/a.png", 0}, {"1/a.png", 1}, {"10/a.png", 10}, {"2/a.png", 2}}));
}

TEST(IoDataset, ClassNamesAndListFiles) {
  fs::path dir = io_test::fresh_dir("lists");
  write_file(dir / "classes.txt", "cat\r\n dog \n\nbird\n\n\n");
  EXPECT_EQ(read_class_names((dir / "classes.txt").string()),
            (std::vector<std::string>{"cat", "dog", "", "bird"}));

  write_file(dir / "sub/list.txt", "imgs/a.jpg\n\n# a comment\n/abs/b.png,3\nc.bmp\t7\n../up.png , 12\n");
  std::vector<LabeledImage> images = read_image_list((dir / "sub/list.txt").string());
  ASSERT_EQ(images.size(), 4u);
  EXPECT_EQ(images[0].path, (dir / "sub/imgs/a.jpg").string());
  EXPECT_EQ(images[0].label, -1);
  EXPECT_EQ(images[1].path, "/abs/b.png");
  EXPECT_EQ(images[1].label, 3);
  EXPECT_EQ(images[2].path, (dir / "sub/c.bmp").string());
  EXPECT_EQ(images[2].label, 7);
  EXPECT_EQ(images[3].path, (dir / "sub/../up.png").string());
  EXPECT_EQ(images[3].label, 12);

  write_file(dir / "bad.txt", "x.jpg,cat\n");
  EXPECT_OCTET_ERROR(read_image_list((dir / "bad.txt").string()), ErrorKind::BadInput, "bad label");
}

TEST(IoDataset, ListImagesTakesAFolderAFileOrAList) {
  fs::path dir = io_test::fresh_dir("any");
  write_file(dir / "set/0/a.png", "");
  write_file(dir / "one.JPG", "");
  write_file(dir / "list.txt", "set/0/a.png,0\n");
  fs::create_directories(dir / "empty");
  EXPECT_EQ(list_images((dir / "set").string()).size(), 1u);
  std::vector<LabeledImage> one = list_images((dir / "one.JPG").string());
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].label, -1);
  EXPECT_EQ(list_images((dir / "list.txt").string())[0].label, 0);
  EXPECT_OCTET_ERROR(list_images((dir / "empty").string()), ErrorKind::BadInput, "no images");
  EXPECT_OCTET_ERROR(list_images((dir / "nothing").string()), ErrorKind::BadInput, "no such file");
  EXPECT_TRUE(is_image_file("x.JpEg"));
  EXPECT_FALSE(is_image_file("x.gif"));
}

// label of each path in a shared/data labels.csv (path, label, ...).
std::map<std::string, int> csv_labels(const std::string& csv) {
  std::map<std::string, int> labels;
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    size_t a = line.find(','), b = line.find(',', a + 1);
    labels[line.substr(0, a)] = std::stoi(line.substr(a + 1, b - a - 1));
  }
  return labels;
}

void expect_labels_match_csv(const std::string& folder, const std::vector<std::string>& classes,
                             size_t count) {
  std::string root = io_test::shared_path("data/" + folder);
  if (!fs::exists(root)) GTEST_SKIP() << "no " << root;
  std::vector<LabeledImage> images = list_image_folder(root, classes);
  std::map<std::string, int> truth = csv_labels(root + "/labels.csv");
  ASSERT_EQ(images.size(), count);
  ASSERT_EQ(truth.size(), count);
  for (const auto& image : images) {
    std::string key = fs::path(image.path).lexically_relative(root).string();
    ASSERT_EQ(truth.count(key), 1u) << key;
    ASSERT_EQ(image.label, truth[key]) << key;
  }
}

TEST(IoDataset, SharedImagenetWithSynsetOrder) {
  std::string synsets = io_test::shared_path("data/imagenet/synsets_1000.txt");
  if (!fs::exists(synsets)) GTEST_SKIP() << "no " << synsets;
  expect_labels_match_csv("imagenet", read_class_names(synsets), 500);  // class_index_1000
}

TEST(IoDataset, SharedCifarAndMnistNumericFolders) {
  expect_labels_match_csv("cifar10", {}, 5000);
  expect_labels_match_csv("mnist", {}, 5000);
}

}  // namespace
}  // namespace octet
