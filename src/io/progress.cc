#include "io/progress.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace octet {
namespace {

constexpr double kRedrawInterval = 0.1;  // seconds between bar redraws (10/s)
constexpr double kLineInterval = 5.0;    // seconds between plain lines at most
constexpr int kBarWidth = 20;

ProgressOptions::Style resolve(ProgressOptions::Style style, std::FILE* out) {
  if (style != ProgressOptions::Style::Auto) return style;
  return isatty(fileno(out)) ? ProgressOptions::Style::Bar : ProgressOptions::Style::Lines;
}

std::string fixed1(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

}  // namespace

std::string format_duration(double seconds) {
  const int64_t s = static_cast<int64_t>(std::llround(std::max(0.0, seconds)));
  char text[48];
  if (s >= 3600)
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  else
    std::snprintf(text, sizeof text, "%lld:%02lld", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  return text;
}

Progress::Progress(ProgressOptions options)
    : options_(std::move(options)), style_(resolve(options_.style, options_.out)) {}

Progress::~Progress() {
  if (bar_on_screen_) std::fputc('\n', options_.out);
}

double Progress::now() const {
  if (options_.clock) return options_.clock();
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

double Progress::elapsed() const { return running_ ? now() - start_time_ : 0.0; }

void Progress::start(const std::string& label, int64_t total) {
  label_ = label;
  total_ = std::max<int64_t>(total, 0);
  done_ = 0;
  last_decile_ = 0;
  start_time_ = last_output_ = now();
  running_ = true;
  if (style_ == ProgressOptions::Style::Bar) draw_bar();
}

void Progress::step(int64_t n) {
  if (!running_) return;
  done_ += n;
  const double t = now();
  if (style_ == ProgressOptions::Style::Bar) {
    if (!bar_on_screen_ || t - last_output_ >= kRedrawInterval) draw_bar();
  } else if (style_ == ProgressOptions::Style::Lines) {
    // The summary line covers completion, so no decile line at 100%.
    const int64_t decile = total_ > 0 ? done_ * 10 / total_ : 0;
    const bool complete = total_ > 0 && done_ >= total_;
    if (!complete && (decile > last_decile_ || t - last_output_ >= kLineInterval)) print_line();
    last_decile_ = std::max(last_decile_, decile);
  }
}

void Progress::suspend() {
  if (!bar_on_screen_) return;
  std::fputs("\r\033[K", options_.out);
  std::fflush(options_.out);
  bar_on_screen_ = false;
}

void Progress::finish() {
  if (!running_) return;
  suspend();  // the summary line replaces the bar
  if (style_ != ProgressOptions::Style::Quiet) {
    std::fprintf(options_.out, "%s: %s in %s s (%s)\n", label_.c_str(), counts().c_str(),
                 fixed1(elapsed()).c_str(), rate().c_str());
    std::fflush(options_.out);
  }
  running_ = false;
}

void Progress::draw_bar() {
  std::string bar;
  if (total_ > 0) {
    const int64_t filled = std::min<int64_t>(kBarWidth, done_ * kBarWidth / total_);
    bar = " [" + std::string(filled, '#') + std::string(kBarWidth - filled, ' ') + "]";
  }
  const std::string eta_text = eta();
  // "\033[K" clears what a longer previous line left behind.
  std::fprintf(options_.out, "\r%s%s  %s  %s%s%s\033[K", label_.c_str(), bar.c_str(),
               counts().c_str(), rate().c_str(), eta_text.empty() ? "" : "  ", eta_text.c_str());
  std::fflush(options_.out);
  bar_on_screen_ = true;
  last_output_ = now();
}

void Progress::print_line() {
  std::string percent =
      total_ > 0 ? " (" + std::to_string(done_ * 100 / total_) + "%)" : std::string();
  const std::string eta_text = eta();
  std::fprintf(options_.out, "%s: %s%s, %s%s%s\n", label_.c_str(), counts().c_str(),
               percent.c_str(), rate().c_str(), eta_text.empty() ? "" : ", ", eta_text.c_str());
  std::fflush(options_.out);
  last_output_ = now();
}

std::string Progress::counts() const {
  return total_ > 0 ? std::to_string(done_) + "/" + std::to_string(total_) : std::to_string(done_);
}

std::string Progress::rate() const {
  const double seconds = elapsed();
  if (seconds <= 0.0 || done_ == 0) return "- " + options_.unit + "/s";
  return fixed1(done_ / seconds) + " " + options_.unit + "/s";
}

std::string Progress::eta() const {
  const double seconds = elapsed();
  if (total_ <= 0 || done_ == 0 || seconds <= 0.0) return "";
  return "ETA " + format_duration(seconds * (total_ - done_) / done_);
}

}  // namespace octet
