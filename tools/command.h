// A subcommand: its CLI11 definition and the function that runs it once the
// command line has been parsed. Each command lives in its own cmd_*.cc file.
#pragma once
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <functional>

#include "io/progress.h"

namespace octet::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;  // returns the process exit code
};

// Progress for long commands: quiet under -q, a bar on a terminal, else lines.
inline ProgressOptions progress_options() {
  ProgressOptions options;
  if (spdlog::get_level() > spdlog::level::info) options.style = ProgressOptions::Style::Quiet;
  return options;
}

Command make_inspect_command(CLI::App& parent);
Command make_run_command(CLI::App& parent);
Command make_convert_command(CLI::App& parent);
Command make_eval_command(CLI::App& parent);

}  // namespace octet::cli
