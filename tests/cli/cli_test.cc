// The command-line contract, tested through the real binary: exit codes,
// one-line errors naming the file and the node at fault, JSON output, and
// inspect/run on every shared model.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Result {
  int code;
  std::string out;  // stdout
  std::string err;  // stderr
};

fs::path temp_dir() {
  static fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("octet_cli_test_" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

Result octet(const std::string& args) {
  fs::path out = temp_dir() / "stdout", err = temp_dir() / "stderr";
  std::string cmd = std::string(OCTET_BINARY) + " " + args + " >" + out.string() + " 2>" + err.string();
  int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

const std::string kSample = std::string(OCTET_SOURCE_DIR) + "/models/fashion_mnist/fashion_mobilenet.onnx";
const std::string kImage = std::string(OCTET_SOURCE_DIR) + "/models/fashion_mnist/images/0/0.png";

void write_file(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

int line_count(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

// A float32 .npy file of `shape`, all zeros.
void write_zeros_npy(const fs::path& p, const std::vector<size_t>& shape) {
  std::string dims;
  size_t count = 1;
  for (size_t d : shape) {
    dims += std::to_string(d) + ", ";
    count *= d;
  }
  if (shape.size() > 1) dims.resize(dims.size() - 2);
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
  size_t total = (10 + header.size() + 1 + 63) / 64 * 64;  // magic+version+length, header, newline
  header.append(total - 10 - header.size() - 1, ' ');
  header += '\n';
  write_file(p, std::string("\x93NUMPY\x01\x00", 8) + char(header.size() & 0xff) + char(header.size() >> 8) +
                    header + std::string(count * 4, '\0'));
}

// A small ONNX model: input X [dims] -> Relu -> ops... -> output.
std::string tiny_onnx(const std::vector<std::string>& ops, const std::vector<std::string>& dims) {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(13);
  auto* graph = model.mutable_graph();
  auto* input = graph->add_input();
  input->set_name("X");
  input->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  for (const auto& d : dims) {
    auto* dim = input->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim();
    if (std::isdigit(static_cast<unsigned char>(d[0]))) dim->set_dim_value(std::stoll(d));
    else dim->set_dim_param(d);
  }
  std::string prev = "X";
  for (size_t i = 0; i < ops.size(); ++i) {
    auto* node = graph->add_node();
    node->set_op_type(ops[i]);
    node->set_name("n" + std::to_string(i));
    node->add_input(prev);
    prev = "v" + std::to_string(i);
    node->add_output(prev);
  }
  graph->add_output()->set_name(prev);
  return model.SerializeAsString();
}

TEST(Cli, HelpAndVersion) {
  EXPECT_EQ(octet("--version").code, 0);
  for (const char* cmd : {"--help", "inspect --help", "run --help"}) {
    Result r = octet(cmd);
    EXPECT_EQ(r.code, 0) << cmd;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << cmd;
  }
  EXPECT_EQ(octet("").code, 2);
  EXPECT_EQ(octet("inspect").code, 2);
  EXPECT_EQ(octet("frobnicate").code, 2);
}

TEST(Cli, RunSamplePrintsTopK) {
  Result r = octet("run " + kSample + " --input " + kImage + " --std 255 --top 3");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("top-3"), std::string::npos);
  EXPECT_EQ(line_count(r.out), 4);
}

TEST(Cli, RunWritesNpyInOutputDtype) {
  fs::path out = temp_dir() / "logits.npy";
  Result r = octet("run " + kSample + " --input " + kImage + " --std 255 --output " + out.string());
  ASSERT_EQ(r.code, 0) << r.err;
  std::string bytes = slurp(out);
  ASSERT_GT(bytes.size(), 10u);
  EXPECT_EQ(bytes.substr(1, 5), "NUMPY");
  EXPECT_NE(bytes.find("'descr': '<f4'"), std::string::npos);
  EXPECT_NE(bytes.find("(1, 10)"), std::string::npos);
  EXPECT_EQ(bytes.size() % 16, 40u % 16);  // header padded to 64 + 40 data bytes
}

TEST(Cli, InspectJson) {
  Result r = octet("inspect --json " + kSample);
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["inputs"][0]["name"], "input");
  EXPECT_EQ(j["inputs"][0]["shape"], nlohmann::json::parse("[1,1,28,28]"));
  EXPECT_EQ(j["importable"], true);
  EXPECT_GT(j["op_histogram"]["Conv"].get<int>(), 0);
  EXPECT_GT(j["parameter_count"].get<int>(), 1000);
}

TEST(Cli, MissingFile) {
  Result r = octet("inspect /nonexistent/model.onnx");
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("/nonexistent/model.onnx"), std::string::npos);
}

TEST(Cli, NotAModel) {
  fs::path p = temp_dir() / "notes.onnx";
  write_file(p, "these are not the weights you are looking for\n");
  Result r = octet("run " + p.string() + " --input " + kImage);
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(p.string()), std::string::npos);
}

TEST(Cli, TruncatedModels) {
  std::string onnx_bytes = slurp(kSample);
  fs::path p = temp_dir() / "truncated.onnx";
  write_file(p, onnx_bytes.substr(0, onnx_bytes.size() / 2));
  Result r = octet("inspect " + p.string());
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find(p.string()), std::string::npos);
  fs::path shared_tflite = fs::path(OCTET_SOURCE_DIR) / "../shared/models/cifar10/resnet8.tflite";
  if (fs::exists(shared_tflite)) {
    std::string tfl = slurp(shared_tflite);
    fs::path q = temp_dir() / "truncated.tflite";
    write_file(q, tfl.substr(0, tfl.size() / 3));
    Result t = octet("run " + q.string() + " --input " + kImage);
    EXPECT_EQ(t.code, 3) << t.err;
    EXPECT_EQ(line_count(t.err), 1) << t.err;
    EXPECT_NE(t.err.find(q.string()), std::string::npos);
  }
}

TEST(Cli, ListsEveryUnsupportedNode) {
  fs::path p = temp_dir() / "unsupported.onnx";
  write_file(p, tiny_onnx({"Relu", "Erf", "Relu", "Hardmax"}, {"1", "4"}));
  Result r = octet("run " + p.string() + " --input " + kImage);
  EXPECT_EQ(r.code, 4);
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("'n1' (Erf, opset 13)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'n3' (Hardmax, opset 13)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(p.string()), std::string::npos);
  // inspect still describes it, and says why it cannot be imported.
  Result i = octet("inspect --json " + p.string());
  ASSERT_EQ(i.code, 0);
  EXPECT_EQ(nlohmann::json::parse(i.out)["importable"], false);
}

TEST(Cli, DynamicInputShape) {
  fs::path model = temp_dir() / "dynamic.onnx";
  write_file(model, tiny_onnx({"Relu"}, {"N", "C", "8"}));
  fs::path npy = temp_dir() / "x.npy";
  // An unresolvable dimension names the input and the flag that fixes it.
  Result r = octet("inspect " + model.string());
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("--input-shape"), std::string::npos) << r.out;
  Result bad = octet("run " + model.string() + " --input " + kImage);
  EXPECT_EQ(bad.code, 5);
  EXPECT_NE(bad.err.find("'X'"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("--input-shape"), std::string::npos) << bad.err;
  // With the shape given, a matching .npy runs and a mismatched one is refused.
  write_zeros_npy(npy, {1, 2, 8});
  Result ok = octet("run " + model.string() + " --input-shape X:1,2,8 --input " + npy.string());
  EXPECT_EQ(ok.code, 0) << ok.err;
  Result mismatch = octet("run " + model.string() + " --input-shape X:1,3,8 --input " + npy.string());
  EXPECT_EQ(mismatch.code, 6) << mismatch.err;
  EXPECT_NE(mismatch.err.find(npy.string()), std::string::npos);
}

TEST(Cli, BadImageIsNamedAndNothingIsWritten) {
  fs::path image = temp_dir() / "broken.png";
  write_file(image, "\x89PNG\r\n\x1a\n garbage");
  fs::path out = temp_dir() / "never.npy";
  Result r = octet("run " + kSample + " --input " + image.string() + " --output " + out.string());
  EXPECT_EQ(r.code, 6);
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(image.string()), std::string::npos);
  EXPECT_FALSE(fs::exists(out));
}

TEST(Cli, BadPreprocessingFlag) {
  Result r = octet("run " + kSample + " --input " + kImage + " --mean 1,2");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--mean"), std::string::npos) << r.err;
}

// octet inspect and octet run work on every model in ../shared/models.
TEST(Cli, EverySharedModel) {
  fs::path shared = fs::path(OCTET_SOURCE_DIR) / "../shared/models";
  if (!fs::is_directory(shared)) {
    const char* ci = std::getenv("CI");
    if (ci && std::string(ci) == "true") FAIL() << "../shared is missing (needed in CI)";
    GTEST_SKIP() << "../shared not found";
  }
  int models = 0;
  for (const auto& entry : fs::recursive_directory_iterator(shared)) {
    std::string ext = entry.path().extension().string();
    if (ext != ".onnx" && ext != ".tflite") continue;
    ++models;
    std::string path = entry.path().string();
    Result inspect = octet("inspect --json " + path);
    ASSERT_EQ(inspect.code, 0) << path << ": " << inspect.err;
    auto j = nlohmann::json::parse(inspect.out);
    EXPECT_EQ(j["importable"], true) << path << ": " << j.value("import_error", "");
    // Run on zeros of the input's shape.
    auto shape = j["inputs"][0]["shape"];
    std::vector<size_t> dims;
    for (const auto& d : shape) dims.push_back(d.is_number() ? d.get<size_t>() : 1);
    fs::path npy = temp_dir() / "zeros.npy";
    write_zeros_npy(npy, dims);
    Result run = octet("run " + path + " --input " + npy.string() + " --top 1");
    EXPECT_EQ(run.code, 0) << path << ": " << run.err;
  }
  EXPECT_GE(models, 14);
}

}  // namespace
