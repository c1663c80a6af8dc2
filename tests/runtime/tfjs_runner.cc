#include "tfjs_runner.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "graph/error.h"
#include "io/npy.h"
#include "io/output_file.h"

extern char** environ;

namespace octet::tfjs {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system's temp dir, removed with everything in
// it when the object goes.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "octet_tfjs_XXXXXX").string();
    if (!::mkdtemp(pattern.data())) fail(ErrorKind::Internal, "cannot create a temp dir from " + pattern);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// The last non-empty line of `file`: where tfjs_run.mjs puts its error, after
// anything Node itself printed.
std::string last_line(const fs::path& file) {
  std::ifstream in(file);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last;
}

// Runs `argv` (argv[0] looked up on PATH) with stdout and stderr sent to
// `log`; returns its exit status, or fails when it cannot be started or dies
// by a signal. posix_spawn rather than system(): no shell, so no quoting.
int run_process(const std::vector<std::string>& argv, const fs::path& log) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int spawn_error = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0)
    fail(ErrorKind::Internal, "cannot start '" + argv[0] + "' (is Node.js installed? scripts/setup.sh installs it)");
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) fail(ErrorKind::Internal, "waitpid failed for '" + argv[0] + "'");
  if (!WIFEXITED(status)) fail(ErrorKind::Internal, "'" + argv[0] + "' was killed by signal " +
                                                        std::to_string(WTERMSIG(status)));
  return WEXITSTATUS(status);
}

// Inputs and outputs go through .npy files in a fresh temp dir.
std::vector<TensorSet> run_in_dir(const TempDir& dir, const std::string& model_path,
                                  const std::vector<TensorSet>& input_sets) {
  std::vector<std::string> argv{"node", OCTET_TFJS_RUN_SCRIPT, model_path, "--inputs"};
  for (size_t s = 0; s < input_sets.size(); ++s)
    for (size_t i = 0; i < input_sets[s].size(); ++i) {
      argv.push_back((dir.path() / ("input_" + std::to_string(s) + "_" + std::to_string(i) + ".npy")).string());
      write_npy(argv.back(), input_sets[s][i]);
    }
  const fs::path outputs = dir.path() / "outputs";
  argv.insert(argv.end(), {"--outputs", outputs.string()});
  const fs::path log = dir.path() / "log.txt";
  if (const int code = run_process(argv, log); code != 0)
    fail(ErrorKind::BadFile, last_line(log) + " (node exited with " + std::to_string(code) + ")");

  std::vector<TensorSet> results(input_sets.size());
  for (size_t s = 0; s < input_sets.size(); ++s)
    for (size_t k = 0;; ++k) {
      const fs::path file = outputs / (std::to_string(s) + "_" + std::to_string(k) + ".npy");
      if (!fs::exists(file)) break;
      results[s].push_back(read_npy(file.string()));
    }
  return results;
}

}  // namespace

std::vector<TensorSet> run_tflite(const Bytes& model, const std::vector<TensorSet>& input_sets) {
  TempDir dir;
  const fs::path model_path = dir.path() / "model.tflite";
  write_file_atomically(model_path.string(), model);
  return run_in_dir(dir, model_path.string(), input_sets);
}

std::vector<TensorSet> run_tflite_file(const std::string& model_path, const std::vector<TensorSet>& input_sets) {
  TempDir dir;
  return run_in_dir(dir, model_path, input_sets);
}

TensorView view_of(const Tensor& tensor) {
  if (!tensor.data) fail(ErrorKind::Internal, "tensor '" + tensor.name + "' has no data to view");
  // Kernels' views are mutable; this one is only ever read.
  return {tensor.dtype, tensor.shape, const_cast<uint8_t*>(tensor.data->data()),
          tensor.quant.empty() ? nullptr : &tensor.quant};
}

}  // namespace octet::tfjs
