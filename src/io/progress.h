// Progress of a long loop over images (calibration, evaluation), on stderr.
//
//   Bar    (stderr is a terminal): one line redrawn in place with '\r', at
//          most 10 times a second:
//            calibrating [##########          ]  50/100  83.2 images/s  ETA 0:01
//   Lines  (stderr is a file or a pipe, e.g. CI logs): a plain line whenever
//          another 10% is done or 5 s have passed since the last line:
//            calibrating: 50/100 (50%), 83.2 images/s, ETA 0:01
//   Quiet  nothing at all (--quiet).
// Both visible styles end with a summary line from finish():
//            calibrating: 100/100 in 1.2 s (83.2 images/s)
// The rate is the average since start(); the ETA assumes it holds.
#pragma once
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

namespace octet {

struct ProgressOptions {
  enum class Style { Auto, Bar, Lines, Quiet };
  Style style = Style::Auto;  // Auto: Bar when `out` is a terminal, else Lines
  std::FILE* out = stderr;
  std::string unit = "images";
  // Seconds from any fixed origin; the steady clock when empty (tests inject one).
  std::function<double()> clock;
};

class Progress {
 public:
  explicit Progress(ProgressOptions options = {});
  // Ends a bar left on screen (e.g. by an error) with a newline.
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Begins a task of `total` items (0 when unknown: no percentage or ETA).
  void start(const std::string& label, int64_t total);
  // `n` more items done (used or skipped: both take time).
  void step(int64_t n = 1);
  // Erases the bar so that a log line can be printed; the next step redraws it.
  void suspend();
  // Prints the summary line.
  void finish();

  ProgressOptions::Style style() const { return style_; }
  int64_t done() const { return done_; }
  double elapsed() const;

 private:
  double now() const;
  void draw_bar();
  void print_line();
  std::string counts() const;  // "50/100" or "50"
  std::string rate() const;    // "83.2 images/s"
  std::string eta() const;     // "ETA 0:01", or "" when unknown

  ProgressOptions options_;
  ProgressOptions::Style style_;
  std::string label_;
  int64_t total_ = 0;
  int64_t done_ = 0;
  double start_time_ = 0.0;
  double last_output_ = 0.0;
  int64_t last_decile_ = 0;
  bool bar_on_screen_ = false;
  bool running_ = false;
};

// "0:07", "12:34", "1:02:03".
std::string format_duration(double seconds);

}  // namespace octet
