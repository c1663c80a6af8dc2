// A subcommand: its CLI11 definition and the function that runs it once the
// command line has been parsed. Each command lives in its own cmd_*.cc file.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>

namespace octet::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;  // returns the process exit code
};

Command make_inspect_command(CLI::App& parent);
Command make_run_command(CLI::App& parent);

}  // namespace octet::cli
