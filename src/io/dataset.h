// Lists of labelled images: an ImageFolder tree or a list file.
//
// Image files are those ending in .jpg, .jpeg, .png or .bmp (any case);
// names starting with '.' are skipped. Listings are sorted by path so every
// run sees the same images in the same order.
//
// ImageFolder layout: root/<class>/.../<file>. The class of a file is its
// first folder under root; its label is
//   - the class's line number in a given class list (e.g. ImageNet's
//     synsets_1000.txt), or else
//   - the class folder's number when every class folder is named by a
//     non-negative integer (shared/data/cifar10, mnist: "0".."9"), or else
//   - the class's index among all class folders sorted by name (torchvision's
//     ImageFolder rule).
// Files directly in root have no class: label -1.
#pragma once
#include <string>
#include <vector>

namespace octet {

struct LabeledImage {
  std::string path;
  int label = -1;  // -1: unknown
};

bool is_image_file(const std::string& path);

// Class names, one per line (line i names class i); surrounding spaces and a
// trailing '\r' are dropped; blank lines at the end are ignored.
std::vector<std::string> read_class_names(const std::string& path);

// The ImageFolder listing of `root` (see above). With a non-empty `classes`,
// a class folder not in it is Error(BadInput).
std::vector<LabeledImage> list_image_folder(const std::string& root,
                                            const std::vector<std::string>& classes = {});

// A list file: one image path per line, relative to the list file's folder
// unless absolute, optionally followed by a comma or tab and an integer label.
// Blank lines and lines starting with '#' are skipped. The order is the file's.
std::vector<LabeledImage> read_image_list(const std::string& list_path);

// What a user's --images argument names: a folder (ImageFolder), one image
// file, or a list file. No images at all is Error(BadInput).
std::vector<LabeledImage> list_images(const std::string& path,
                                      const std::vector<std::string>& classes = {});

}  // namespace octet
