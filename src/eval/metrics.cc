#include "eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace octet::eval {
namespace {

constexpr int kTopK = 5;

bool contains_first(const std::vector<int64_t>& ranking, int64_t cls, size_t n) {
  const auto end = ranking.begin() + static_cast<std::ptrdiff_t>(std::min(n, ranking.size()));
  return std::find(ranking.begin(), end, cls) != end;
}

void count_hits(const std::vector<int64_t>& ranking, int64_t true_class, TopKHits& hits) {
  if (contains_first(ranking, true_class, 1)) ++hits.top1;
  if (contains_first(ranking, true_class, kTopK)) ++hits.top5;
}

}  // namespace

std::vector<int64_t> top_k(const float* values, int64_t count, int k) {
  std::vector<int64_t> order(static_cast<size_t>(std::max<int64_t>(count, 0)));
  std::iota(order.begin(), order.end(), 0);
  const size_t kept = std::min(order.size(), static_cast<size_t>(std::max(k, 0)));
  // Strictly "ranks above", so that equal values keep index order; NaN never
  // ranks above anything and numbers always rank above NaN.
  const auto above = [values](int64_t a, int64_t b) {
    const float x = values[a], y = values[b];
    if (std::isnan(x)) return false;
    if (std::isnan(y)) return true;
    return x > y || (x == y && a < b);
  };
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(kept), order.end(), above);
  order.resize(kept);
  return order;
}

void ClassificationTally::add(const std::vector<int64_t>& float_ranking,
                              const std::vector<int64_t>& int8_ranking, int64_t true_class) {
  ++images_;
  if (!float_ranking.empty() && !int8_ranking.empty() && float_ranking[0] == int8_ranking[0]) ++agreeing_;
  if (true_class < 0) return;
  ++labelled_;
  count_hits(float_ranking, true_class, float_hits_);
  count_hits(int8_ranking, true_class, int8_hits_);
}

double percent(int64_t part, int64_t whole) {
  return whole > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

void SqnrAccumulator::add(const float* reference, const float* test, int64_t count) {
  for (int64_t i = 0; i < count; ++i) {
    const double f = reference[i], error = f - static_cast<double>(test[i]);
    signal_ += f * f;
    noise_ += error * error;
  }
  values_ += count;
}

double SqnrAccumulator::db() const {
  if (std::isnan(signal_) || std::isnan(noise_)) return std::numeric_limits<double>::quiet_NaN();
  if (noise_ == 0.0) return std::numeric_limits<double>::infinity();
  if (signal_ == 0.0) return -std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(signal_ / noise_);
}

}  // namespace octet::eval
