// A bounded, ordered pipeline over samples 0..count-1, the shape of parallel
// calibration (calibrate.h):
//
//   loaders (threads)   load(i)            claim indices in order, read files
//   runners (threads)   run(worker, i, x)  each with its own state (an Engine)
//   caller's thread     fold(i, record)    strictly in index order
//
// Loading overlaps running, and several samples run at once, but fold sees
// the samples in order, so anything order-dependent (ema, warnings, progress)
// happens exactly as in a serial loop, whatever the thread counts.
//
// Memory is bounded: a loader takes index i only while i < folded + window, so
// at most `window` samples (loaded inputs or records) exist at any time.
//
// Errors: an exception thrown by a stage for sample i stops the pipeline from
// taking indices >= i; the samples before i still finish and are folded, then
// the exception of the lowest failing index is rethrown on the caller's
// thread: the same error a serial loop would have stopped on.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace octet::calib {

template <class Loaded, class Record>
struct PipelineStages {
  std::function<Loaded(int64_t index)> load;                      // any loader thread
  std::function<Record(int worker, int64_t index, Loaded& sample)> run;  // runner `worker`
  std::function<void(int64_t index, Record& record)> fold;        // the caller's thread
};

struct PipelineShape {
  int loaders = 1;
  int runners = 1;  // workers 0 .. runners-1
  int window = 3;   // samples in flight at most, >= 1
};

template <class Loaded, class Record>
class SamplePipeline {
 public:
  SamplePipeline(int64_t count, PipelineShape shape, PipelineStages<Loaded, Record> stages)
      : shape_(shape), stages_(std::move(stages)), stop_at_(count) {}

  void run() {
    std::vector<std::thread> threads;
    loaders_active_ = shape_.loaders;
    for (int l = 0; l < shape_.loaders; ++l) threads.emplace_back([this] { load_loop(); });
    for (int w = 0; w < shape_.runners; ++w) threads.emplace_back([this, w] { run_loop(w); });
    fold_loop();
    for (std::thread& t : threads) t.join();
    if (error_) std::rethrow_exception(error_);
  }

 private:
  using Lock = std::unique_lock<std::mutex>;

  // Stops taking indices >= index; keeps the lowest index's exception.
  void fail(int64_t index, std::exception_ptr error) {
    Lock lock(mutex_);
    if (index < failed_index_) {
      failed_index_ = index;
      error_ = error;
    }
    stop_at_ = std::min(stop_at_, index);
    changed_.notify_all();
  }

  void load_loop() {
    for (;;) {
      Lock lock(mutex_);
      changed_.wait(lock, [&] { return next_ >= stop_at_ || next_ < folded_ + shape_.window; });
      if (next_ >= stop_at_) break;
      const int64_t index = next_++;
      lock.unlock();
      try {
        Loaded sample = stages_.load(index);
        lock.lock();
        loaded_.emplace_back(index, std::move(sample));
        changed_.notify_all();
      } catch (...) {
        fail(index, std::current_exception());
      }
    }
    Lock lock(mutex_);
    --loaders_active_;
    changed_.notify_all();
  }

  void run_loop(int worker) {
    for (;;) {
      Lock lock(mutex_);
      changed_.wait(lock, [&] { return !loaded_.empty() || loaders_active_ == 0; });
      if (loaded_.empty()) return;
      auto [index, sample] = std::move(loaded_.front());
      loaded_.pop_front();
      if (index >= stop_at_) continue;  // after an error: drop
      lock.unlock();
      try {
        Record record = stages_.run(worker, index, sample);
        lock.lock();
        done_.emplace(index, std::move(record));
        changed_.notify_all();
      } catch (...) {
        fail(index, std::current_exception());
      }
    }
  }

  void fold_loop() {
    for (;;) {
      Lock lock(mutex_);
      changed_.wait(lock, [&] { return folded_ >= stop_at_ || done_.count(folded_) > 0; });
      if (folded_ >= stop_at_) return;
      auto node = done_.extract(folded_);
      lock.unlock();
      try {
        stages_.fold(folded_, node.mapped());
      } catch (...) {
        fail(folded_, std::current_exception());
        return;
      }
      lock.lock();
      ++folded_;
      changed_.notify_all();
    }
  }

  const PipelineShape shape_;
  const PipelineStages<Loaded, Record> stages_;

  std::mutex mutex_;
  std::condition_variable changed_;  // any of the state below changed
  int64_t next_ = 0;                 // next index to load
  int64_t folded_ = 0;               // indices < folded_ are folded
  int64_t stop_at_;                  // no index >= stop_at_ is started or folded
  int loaders_active_ = 0;
  std::deque<std::pair<int64_t, Loaded>> loaded_;
  std::map<int64_t, Record> done_;
  int64_t failed_index_ = std::numeric_limits<int64_t>::max();
  std::exception_ptr error_;
};

// Runs the pipeline to the end (see above); rethrows the first sample's error.
template <class Loaded, class Record>
void run_pipeline(int64_t count, PipelineShape shape, PipelineStages<Loaded, Record> stages) {
  SamplePipeline<Loaded, Record>(count, shape, std::move(stages)).run();
}

}  // namespace octet::calib
