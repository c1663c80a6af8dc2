// octet's command line: parses flags, sets up logging, runs one subcommand, and
// turns every octet::Error into a one-line message and a documented exit code.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <vector>

#include "command.h"
#include "graph/error.h"

int main(int argc, char** argv) {
  using namespace octet;
  CLI::App app{"octet: converts float ONNX and TFLite models to fully-integer int8 TFLite"};
  app.set_version_flag("--version", std::string("octet ") + OCTET_VERSION);
  bool verbose = false, quiet = false;
  app.add_flag("-v,--verbose", verbose, "More log output (debug level)");
  app.add_flag("-q,--quiet", quiet, "Only errors on stderr");
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 success, 1 internal error, 2 usage, 3 unreadable or invalid file,\n"
      "4 unsupported model feature, 5 unresolvable shape, 6 unusable input data.");

  std::vector<cli::Command> commands{cli::make_inspect_command(app), cli::make_convert_command(app),
                                     cli::make_run_command(app), cli::make_eval_command(app)};

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help/version (code 0) or the parse error
    return code == 0 ? 0 : exit_code(ErrorKind::Usage);
  }

  auto logger = spdlog::stderr_color_mt("octet");
  logger->set_pattern("%^%l%$: %v");
  logger->set_level(quiet ? spdlog::level::err : verbose ? spdlog::level::debug : spdlog::level::info);
  spdlog::set_default_logger(logger);

  for (const cli::Command& command : commands) {
    if (!command.app->parsed()) continue;
    try {
      return command.run();
    } catch (const Error& e) {
      spdlog::error("{}", e.what());
      return exit_code(e.kind());
    } catch (const std::exception& e) {
      spdlog::error("internal error: {}", e.what());
      return exit_code(ErrorKind::Internal);
    }
  }
  return exit_code(ErrorKind::Usage);
}
