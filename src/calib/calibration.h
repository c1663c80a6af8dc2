// Calibration algorithms: pure functions from a histogram to a clipping
// threshold or range (Glow's optimizeKL layer). No state, no data, so each can
// be tested on a histogram alone. Observers (observer.h) wrap them.
//
// Thresholds are magnitudes T >= 0 found on a Magnitude histogram of |x|. How
// T becomes a range is shared by all of them (threshold_range): [-T, T]
// intersected with the exact observed [min, max], so non-negative data (ReLU
// outputs) gets the one-sided [min, T] and no range ever extends past the data.
//
// Quantizer model. The range is later quantized asymmetrically over 255 steps
// (quant_params.h). For data with negative values the threshold is searched
// as if the range were [-T, T]: 127.5 steps of size 2T/255 on each side. For
// non-negative data the range is [0, T]: 255 steps of T/255.
#pragma once
#include <cstdint>
#include <vector>

#include "calib/histogram.h"
#include "calib/quant_params.h"

namespace octet::calib {

// The value below which a fraction q of the histogram's values lie (|x| for a
// Magnitude histogram), interpolating linearly inside a bin. q <= 0 gives the
// exact minimum, q >= 1 the exact maximum. 0 for an empty histogram.
double histogram_quantile(const Histogram& h, double q);

// |x| at `percent` (e.g. 99.99) of a Magnitude histogram.
float percentile_threshold(const Histogram& magnitude, double percent);

// Two-sided: [x at (100 - percent)%, x at percent%] of a Signed histogram.
QuantRange percentile_range(const Histogram& signed_hist, double percent);

// TensorRT's KL-divergence calibration, as ncnn's ncnn2table implements it, on
// raw bin counts (exact zeros already removed): for each candidate number of
// kept bins i in [levels, counts.size()], P = the first i bins with everything
// beyond added to bin i-1; Q = the same i bins (without the clipped mass)
// merged into `levels` levels, each level spread back evenly over its non-empty
// bins (empty bins stay empty; fractional bins count by their overlap). Both
// are normalised and the i with the smallest KL(P || Q) wins. A candidate where
// P has mass on a bin Q leaves empty (the clipped mass landing on an empty bin)
// has infinite divergence and is never chosen. Candidates stop at the last
// non-empty bin (or at `levels` if that comes first): beyond it nothing more
// is kept. Returns counts.size() when there are fewer bins than levels or no
// data.
int kl_best_bin_count(const std::vector<uint64_t>& counts, int levels);

// KL threshold on a Magnitude histogram: the upper edge of the chosen bins
// (ncnn adds half a bin more), at most abs_max(). Levels: 128 for data with
// negative values (the positive half of int8), 256 for non-negative data.
float entropy_threshold(const Histogram& magnitude);

// The T minimising the expected squared error of quantizing the histogram's
// values with range T: clipped values cost (|x| - T)^2 (bin centres), kept
// nonzero values cost step^2 / 12 (uniform rounding error), exact zeros cost
// nothing. Candidates are the bin edges, capped at abs_max().
float mse_threshold(const Histogram& magnitude);

// [-T, T] intersected with the histogram's exact [min, max].
QuantRange threshold_range(const Histogram& h, float threshold);

}  // namespace octet::calib
