#include "io/dataset.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "graph/error.h"

namespace fs = std::filesystem;

namespace octet {
namespace {

std::string trim(const std::string& s) {
  size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  size_t end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

std::optional<int> non_negative_int(const std::string& text) {
  if (text.empty() || text.size() > 9 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return std::nullopt;
  return std::stoi(text);
}

bool hidden(const fs::path& path) {
  std::string name = path.filename().string();
  return !name.empty() && name[0] == '.';
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail(ErrorKind::BadInput, path + ": cannot open");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(trim(line));
  if (in.bad()) fail(ErrorKind::BadInput, path + ": read error");
  return lines;
}

// Names of root's class folders, sorted.
std::vector<std::string> class_folders(const fs::path& root) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(root))
    if (entry.is_directory() && !hidden(entry.path())) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// The label of each class folder name, by the rules in dataset.h.
std::map<std::string, int> class_labels(const fs::path& root, const std::vector<std::string>& given) {
  std::map<std::string, int> labels;
  if (!given.empty()) {
    for (size_t i = 0; i < given.size(); ++i) labels.emplace(given[i], static_cast<int>(i));
    return labels;
  }
  std::vector<std::string> folders = class_folders(root);
  bool numeric = !folders.empty() &&
                 std::all_of(folders.begin(), folders.end(), [](const std::string& name) {
                   return non_negative_int(name).has_value();
                 });
  for (size_t i = 0; i < folders.size(); ++i)
    labels[folders[i]] = numeric ? *non_negative_int(folders[i]) : static_cast<int>(i);
  return labels;
}

// list_image_folder without the translation of filesystem errors.
std::vector<LabeledImage> walk_image_folder(const std::string& root,
                                            const std::vector<std::string>& classes) {
  const fs::path base(root);
  std::error_code error;
  if (!fs::is_directory(base, error)) fail(ErrorKind::BadInput, root + ": not a folder");
  const std::map<std::string, int> labels = class_labels(base, classes);

  std::vector<LabeledImage> images;
  const auto options = fs::directory_options::follow_directory_symlink |
                       fs::directory_options::skip_permission_denied;
  for (auto it = fs::recursive_directory_iterator(base, options); it != fs::recursive_directory_iterator(); ++it) {
    if (hidden(it->path())) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_directory() || !is_image_file(it->path().string())) continue;
    LabeledImage image{it->path().string(), -1};
    if (it.depth() > 0) {
      // The class is the first folder below root.
      std::string name = it->path().lexically_relative(base).begin()->string();
      auto label = labels.find(name);
      if (label == labels.end())
        fail(ErrorKind::BadInput, root + ": class folder '" + name + "' is not in the class list");
      image.label = label->second;
    }
    images.push_back(std::move(image));
  }
  std::sort(images.begin(), images.end(),
            [](const LabeledImage& a, const LabeledImage& b) { return a.path < b.path; });
  return images;
}

}  // namespace

bool is_image_file(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp";
}

std::vector<std::string> read_class_names(const std::string& path) {
  std::vector<std::string> names = read_lines(path);
  while (!names.empty() && names.back().empty()) names.pop_back();
  if (names.empty()) fail(ErrorKind::BadInput, path + ": no class names");
  return names;
}

std::vector<LabeledImage> list_image_folder(const std::string& root,
                                            const std::vector<std::string>& classes) {
  try {
    return walk_image_folder(root, classes);
  } catch (const fs::filesystem_error& e) {
    fail(ErrorKind::BadInput, root + ": cannot list: " + e.what());
  }
}

std::vector<LabeledImage> read_image_list(const std::string& list_path) {
  const fs::path folder = fs::path(list_path).parent_path();
  std::vector<LabeledImage> images;
  for (const std::string& line : read_lines(list_path)) {
    if (line.empty() || line[0] == '#') continue;
    LabeledImage image{line, -1};
    size_t separator = line.find_last_of(",\t");
    if (separator != std::string::npos) {
      auto label = non_negative_int(trim(line.substr(separator + 1)));
      if (!label) fail(ErrorKind::BadInput, list_path + ": bad label in line '" + line + "'");
      image = {trim(line.substr(0, separator)), *label};
    }
    fs::path path(image.path);
    if (path.is_relative()) image.path = (folder / path).string();
    images.push_back(std::move(image));
  }
  return images;
}

std::vector<LabeledImage> list_images(const std::string& path, const std::vector<std::string>& classes) {
  std::error_code error;
  std::vector<LabeledImage> images;
  if (fs::is_directory(path, error)) images = list_image_folder(path, classes);
  else if (!fs::exists(path, error)) fail(ErrorKind::BadInput, path + ": no such file or folder");
  else if (is_image_file(path)) images = {LabeledImage{path, -1}};
  else images = read_image_list(path);
  if (images.empty())
    fail(ErrorKind::BadInput, path + ": no images (.jpg, .jpeg, .png, .bmp) found");
  return images;
}

}  // namespace octet
