// The ordered sample pipeline (src/calib/sample_pipeline.h): folds in index
// order whatever the thread counts and timing, bounds the samples in flight,
// and stops on the lowest failing sample's error like a serial loop.
#include "calib/sample_pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

namespace octet::calib {
namespace {

// Sleeps a pseudo-random few hundred microseconds, so stages finish out of order.
void jitter(int64_t index, int salt) {
  std::mt19937 rng(static_cast<uint32_t>(index * 31 + salt));
  std::this_thread::sleep_for(std::chrono::microseconds(rng() % 400));
}

struct Loaded {
  int64_t index;
};
struct Record {
  int64_t index;
  int worker;
};

// Counts of samples between load and fold, and the largest seen.
struct InFlight {
  std::atomic<int> now{0};
  std::atomic<int> peak{0};
  void enter() {
    const int n = ++now;
    int p = peak.load();
    while (n > p && !peak.compare_exchange_weak(p, n)) {
    }
  }
};

PipelineStages<Loaded, Record> stages(InFlight& flight, std::vector<Record>& folded,
                                      int64_t throw_in_load = -1, int64_t throw_in_run = -1) {
  PipelineStages<Loaded, Record> s;
  s.load = [&flight, throw_in_load](int64_t i) {
    flight.enter();
    jitter(i, 1);
    if (i == throw_in_load) throw std::runtime_error("load " + std::to_string(i));
    return Loaded{i};
  };
  s.run = [throw_in_run](int worker, int64_t i, Loaded& x) {
    jitter(i, 2);
    if (i >= throw_in_run && throw_in_run >= 0 && i % 5 == throw_in_run % 5)
      throw std::runtime_error("run " + std::to_string(i));
    return Record{x.index, worker};
  };
  s.fold = [&flight, &folded](int64_t i, Record& r) {
    EXPECT_EQ(r.index, i);
    folded.push_back(r);
    --flight.now;
  };
  return s;
}

TEST(CalibPipeline, FoldsInOrderWithinTheWindow) {
  for (PipelineShape shape : {PipelineShape{1, 1, 1}, PipelineShape{1, 3, 4}, PipelineShape{3, 2, 9},
                              PipelineShape{2, 4, 3}}) {
    InFlight flight;
    std::vector<Record> folded;
    run_pipeline(60, shape, stages(flight, folded));
    ASSERT_EQ(folded.size(), 60u);
    for (size_t i = 0; i < folded.size(); ++i) {
      EXPECT_EQ(folded[i].index, static_cast<int64_t>(i));
      EXPECT_GE(folded[i].worker, 0);
      EXPECT_LT(folded[i].worker, shape.runners);
    }
    EXPECT_LE(flight.peak, shape.window);
    if (shape.window > 1) {
      EXPECT_GT(flight.peak, 1);  // loading overlapped running
    }
  }
}

TEST(CalibPipeline, NoSamples) {
  InFlight flight;
  std::vector<Record> folded;
  run_pipeline(0, {2, 2, 4}, stages(flight, folded));
  EXPECT_TRUE(folded.empty());
}

// Samples 12, 17, 22, ... fail in run, 30 in load: the error is sample 12's
// and exactly the samples before it are folded.
TEST(CalibPipeline, StopsOnTheFirstFailingSample) {
  for (int repeat = 0; repeat < 3; ++repeat) {
    InFlight flight;
    std::vector<Record> folded;
    try {
      run_pipeline(50, {2, 3, 6}, stages(flight, folded, 30, 12));
      FAIL() << "no error";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "run 12");
    }
    ASSERT_EQ(folded.size(), 12u);
    for (size_t i = 0; i < folded.size(); ++i) EXPECT_EQ(folded[i].index, static_cast<int64_t>(i));
  }
  InFlight flight;
  std::vector<Record> folded;
  EXPECT_THROW(run_pipeline(50, {2, 3, 6}, stages(flight, folded, 3)), std::runtime_error);
  EXPECT_EQ(folded.size(), 3u);
}

TEST(CalibPipeline, AnErrorInFoldStopsEverything) {
  PipelineStages<Loaded, Record> s;
  s.load = [](int64_t i) { return Loaded{i}; };
  s.run = [](int w, int64_t i, Loaded&) { return Record{i, w}; };
  int64_t last = -1;
  s.fold = [&](int64_t i, Record&) {
    if (i == 7) throw std::runtime_error("fold 7");
    last = i;
  };
  EXPECT_THROW(run_pipeline(100, {2, 2, 4}, s), std::runtime_error);
  EXPECT_EQ(last, 6);
}

}  // namespace
}  // namespace octet::calib
