// The numbers `octet eval` reports when it compares a float model with its
// int8 twin: top-k accuracy, top-1 agreement, and the signal-to-quantization-
// noise ratio of each output. Pure arithmetic on real (dequantized) values.
#pragma once
#include <cstdint>
#include <vector>

namespace octet::eval {

// The indices of the k largest of `count` values, largest first; ties go to
// the lower index (a stable sort, as shared/models/MODELS.md measures top-1
// and top-5), so int8 outputs, whose values tie often, rank reproducibly.
// k is capped at count. NaN ranks below every number.
std::vector<int64_t> top_k(const float* values, int64_t count, int k);

// Top-1 and top-5 hits of one model over the labelled images.
struct TopKHits {
  int64_t top1 = 0;
  int64_t top5 = 0;
};

// Per-image results of both models, tallied. A model's `ranking` is its
// top_k(..., 5) on the classification output; `true_class` is the model's
// class index of the image's label, or -1 for an unlabelled image (it then
// counts for agreement only).
class ClassificationTally {
 public:
  void add(const std::vector<int64_t>& float_ranking, const std::vector<int64_t>& int8_ranking,
           int64_t true_class);

  int64_t images() const { return images_; }
  int64_t labelled() const { return labelled_; }
  int64_t agreeing() const { return agreeing_; }  // images whose top-1 classes are equal
  const TopKHits& float_hits() const { return float_hits_; }
  const TopKHits& int8_hits() const { return int8_hits_; }

 private:
  int64_t images_ = 0;
  int64_t labelled_ = 0;
  int64_t agreeing_ = 0;
  TopKHits float_hits_, int8_hits_;
};

// 100 * part / whole; 0 when whole is 0.
double percent(int64_t part, int64_t whole);

// SQNR of one output over many images: the signal is the float model's
// output f, the noise its difference from the int8 model's dequantized
// output q, both summed over every element of every image (in double):
//   SQNR = 10 * log10(sum f^2 / sum (f - q)^2)  dB.
class SqnrAccumulator {
 public:
  void add(const float* reference, const float* test, int64_t count);

  double signal() const { return signal_; }  // sum f^2
  double noise() const { return noise_; }    // sum (f - q)^2
  int64_t values() const { return values_; }
  // +inf when the outputs were identical (no noise); -inf when the float
  // output was all zero but the int8 one was not; NaN when either held NaN.
  double db() const;

 private:
  double signal_ = 0.0;
  double noise_ = 0.0;
  int64_t values_ = 0;
};

}  // namespace octet::eval
