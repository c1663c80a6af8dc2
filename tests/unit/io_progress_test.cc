// The progress reporter's output in each style, on a fake clock.
#include "io/progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace octet {
namespace {

// Captures what a Progress writes, and drives its clock.
class Capture {
 public:
  Capture() : file_(std::tmpfile()) {}
  ~Capture() { std::fclose(file_); }

  ProgressOptions options(ProgressOptions::Style style) {
    ProgressOptions o;
    o.style = style;
    o.out = file_;
    o.clock = [this] { return now; };
    return o;
  }
  std::string text() {
    std::fflush(file_);
    std::rewind(file_);
    std::string all;
    for (int c; (c = std::fgetc(file_)) != EOF;) all += static_cast<char>(c);
    return all;
  }

  double now = 100.0;

 private:
  std::FILE* file_;
};

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(Progress, LinesEveryTenPercentThenASummary) {
  Capture out;
  Progress progress(out.options(ProgressOptions::Style::Lines));
  progress.start("calibrating", 100);
  for (int i = 0; i < 100; ++i) {
    out.now += 0.01;  // 100 images/s
    progress.step();
  }
  progress.finish();
  const std::string text = out.text();
  EXPECT_EQ(count(text, "\n"), 10u) << text;  // 10%..90%, then the summary
  EXPECT_EQ(count(text, "\r"), 0u);
  EXPECT_NE(text.find("calibrating: 10/100 (10%), 100.0 images/s, ETA 0:01\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("calibrating: 90/100 (90%)"), std::string::npos) << text;
  EXPECT_NE(text.find("calibrating: 100/100 in 1.0 s (100.0 images/s)\n"), std::string::npos) << text;
}

TEST(Progress, LinesAlsoEveryFiveSecondsWhenSlow) {
  Capture out;
  Progress progress(out.options(ProgressOptions::Style::Lines));
  progress.start("eval", 1000);
  for (int i = 0; i < 30; ++i) {
    out.now += 1.0;  // 1 image/s: 3% in 30 s
    progress.step();
  }
  const std::string text = out.text();
  EXPECT_EQ(count(text, "\n"), 6u) << text;  // at 5, 10, ..., 30 s
  EXPECT_NE(text.find("eval: 5/1000 (0%), 1.0 images/s, ETA 16:35\n"), std::string::npos) << text;
}

TEST(Progress, BarRedrawsAtMostTenTimesASecond) {
  Capture out;
  Progress progress(out.options(ProgressOptions::Style::Bar));
  progress.start("calibrating", 1000);
  for (int i = 0; i < 1000; ++i) {
    out.now += 0.001;  // 1000 images/s for 1 s
    progress.step();
  }
  const std::string text = out.text();
  EXPECT_EQ(count(text, "\n"), 0u);
  // The initial draw, then one about every 0.1 s.
  EXPECT_GE(count(text, "\r"), 9u) << text;
  EXPECT_LE(count(text, "\r"), 11u) << text;
}

TEST(Progress, BarShowsCountRateAndEtaThenTheSummary) {
  Capture out;
  Progress progress(out.options(ProgressOptions::Style::Bar));
  progress.start("calibrating", 32);
  for (int i = 0; i < 16; ++i) {
    out.now += 0.0625;  // 16 images/s; a redraw every second step
    progress.step();
  }
  std::string text = out.text();
  EXPECT_EQ(count(text, "\r"), 9u) << text;
  EXPECT_EQ(text.substr(text.rfind('\r')),
            "\rcalibrating [##########          ]  16/32  16.0 images/s  ETA 0:01\033[K");
  progress.suspend();  // a warning is about to be logged
  EXPECT_EQ(out.text().substr(text.size()), "\r\033[K");
  out.now += 0.0625;
  progress.step();  // redrawn at once after a suspend
  EXPECT_NE(out.text().find("17/32"), std::string::npos);
  out.now += 0.9375;
  progress.finish();
  text = out.text();
  EXPECT_EQ(text.substr(text.rfind('\r')),
            "\r\033[Kcalibrating: 17/32 in 2.0 s (8.5 images/s)\n");
}

TEST(Progress, QuietWritesNothing) {
  Capture out;
  Progress progress(out.options(ProgressOptions::Style::Quiet));
  progress.start("calibrating", 10);
  for (int i = 0; i < 10; ++i) progress.step();
  progress.finish();
  EXPECT_EQ(out.text(), "");
  EXPECT_EQ(progress.done(), 10);
}

TEST(Progress, AutoIsLinesOffATerminal) {
  Capture out;
  Progress progress(out.options(ProgressOptions::Style::Auto));
  EXPECT_EQ(progress.style(), ProgressOptions::Style::Lines);  // a tmpfile is no terminal
}

TEST(Progress, DurationFormat) {
  EXPECT_EQ(format_duration(0.4), "0:00");
  EXPECT_EQ(format_duration(7), "0:07");
  EXPECT_EQ(format_duration(754), "12:34");
  EXPECT_EQ(format_duration(3723), "1:02:03");
  EXPECT_EQ(format_duration(-3), "0:00");
}

}  // namespace
}  // namespace octet
