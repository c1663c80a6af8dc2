// Entropy (KL-divergence) calibration, TensorRT's algorithm in ncnn's form.
#include <algorithm>
#include <cmath>
#include <limits>

#include "calib/calibration.h"
#include "graph/error.h"

namespace octet::calib {
namespace {

// Levels of the quantized distribution: the positive half of int8 for signed
// data, all of it for data that the range makes one-sided.
constexpr int kSignedLevels = 128;
constexpr int kOneSidedLevels = 256;

// Calls visit(bin, overlap) for every bin overlapping level j of `levels`
// spread over `kept` bins: the level covers [j, j + 1) * kept / levels in bin
// units, and overlap is the covered fraction of the bin.
template <typename Visit>
void for_level_bins(int j, int levels, int kept, Visit visit) {
  const double per_level = static_cast<double>(kept) / levels;
  const double start = j * per_level;
  const double end = std::min(double(kept), start + per_level);
  for (int b = static_cast<int>(std::floor(start)); b < end; ++b) {
    const double overlap = std::min(end, b + 1.0) - std::max(start, double(b));
    if (overlap > 0.0) visit(b, overlap);
  }
}

// KL(P || Q) for keeping the first `kept` bins.
double divergence_for(const std::vector<double>& hist, int kept, int levels,
                      std::vector<double>& p, std::vector<double>& q) {
  p.assign(hist.begin(), hist.begin() + kept);
  for (size_t b = kept; b < hist.size(); ++b) p[kept - 1] += hist[b];
  q.assign(kept, 0.0);
  for (int j = 0; j < levels; ++j) {
    double mass = 0.0, nonempty = 0.0;
    for_level_bins(j, levels, kept, [&](int b, double overlap) {
      mass += hist[b] * overlap;
      if (hist[b] > 0.0) nonempty += overlap;
    });
    if (nonempty == 0.0) continue;
    for_level_bins(j, levels, kept, [&](int b, double overlap) {
      if (hist[b] > 0.0) q[b] += mass / nonempty * overlap;
    });
  }
  double p_sum = 0.0, q_sum = 0.0;
  for (int b = 0; b < kept; ++b) {
    p_sum += p[b];
    q_sum += q[b];
  }
  double kl = 0.0;
  for (int b = 0; b < kept; ++b) {
    if (p[b] == 0.0) continue;
    if (q[b] == 0.0) return std::numeric_limits<double>::infinity();
    const double pn = p[b] / p_sum;
    kl += pn * std::log(pn / (q[b] / q_sum));
  }
  return kl;
}

}  // namespace

int kl_best_bin_count(const std::vector<uint64_t>& counts, int levels) {
  const int n = static_cast<int>(counts.size());
  const std::vector<double> hist(counts.begin(), counts.end());
  double total = 0.0;
  for (double c : hist) total += c;
  if (n < levels || total == 0.0) return n;
  // Past the last non-empty bin nothing more is kept, the levels only get
  // coarser (after histogram growth the top bins are often empty).
  int used = n;
  while (hist[used - 1] == 0.0) --used;
  const int last_candidate = std::max(levels, used);
  std::vector<double> p, q;  // reused across candidates
  int best = last_candidate;
  double best_kl = std::numeric_limits<double>::infinity();
  for (int kept = levels; kept <= last_candidate; ++kept) {
    const double kl = divergence_for(hist, kept, levels, p, q);
    if (kl < best_kl) {
      best_kl = kl;
      best = kept;
    }
  }
  return best;
}

float entropy_threshold(const Histogram& magnitude) {
  if (magnitude.mode() != Histogram::Mode::Magnitude)
    fail(ErrorKind::Internal, "entropy_threshold needs a magnitude histogram");
  if (magnitude.total() == magnitude.zeros()) return 0.0f;
  // Zeros are exact in any range, so (like ncnn) they do not vote.
  std::vector<uint64_t> counts = magnitude.counts();
  counts[magnitude.zero_bin()] -= magnitude.zeros();
  const int levels = magnitude.min() >= 0.0f ? kOneSidedLevels : kSignedLevels;
  const int kept = kl_best_bin_count(counts, levels);
  const double threshold = kept * magnitude.bin_width();
  return static_cast<float>(std::min(threshold, double{magnitude.abs_max()}));
}

}  // namespace octet::calib
