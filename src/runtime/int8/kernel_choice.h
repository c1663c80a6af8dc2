// Which int8 kernels the ops run. The fast kernels (conv2d_gemm.h,
// conv2d_depthwise.h, ...) compute exactly the integers of the reference
// kernels (conv2d.h, ...), which stay as the oracle: tests switch them on to
// compare whole graphs byte for byte. The fast kernels have AVX2 code where
// it pays, chosen at run time when the CPU has AVX2, and portable code for
// every other CPU; tests switch the AVX2 code off to check the portable
// code on an AVX2 machine too. The switches are process-wide.
#pragma once

namespace octet::int8 {

// true: every op runs its reference int8 kernel; false (the default): the
// fast kernels where an op has one.
void set_reference_kernels(bool on);
bool reference_kernels();

// false: the fast kernels run their portable code even on an AVX2 CPU. On
// (the default) only has an effect where the CPU has AVX2.
void set_avx2_kernels(bool on);
// Whether the fast kernels run their AVX2 code: switched on and supported.
bool avx2_kernels();

// Sets the reference choice for one scope and restores the previous one after it.
class KernelChoiceScope {
 public:
  explicit KernelChoiceScope(bool reference) : previous_(reference_kernels()) { set_reference_kernels(reference); }
  ~KernelChoiceScope() { set_reference_kernels(previous_); }
  KernelChoiceScope(const KernelChoiceScope&) = delete;
  KernelChoiceScope& operator=(const KernelChoiceScope&) = delete;

 private:
  bool previous_;
};

// Sets the AVX2 choice for one scope and restores the previous one after it.
class Avx2ChoiceScope {
 public:
  explicit Avx2ChoiceScope(bool on) : previous_(avx2_wanted()) { set_avx2_kernels(on); }
  ~Avx2ChoiceScope() { set_avx2_kernels(previous_); }
  Avx2ChoiceScope(const Avx2ChoiceScope&) = delete;
  Avx2ChoiceScope& operator=(const Avx2ChoiceScope&) = delete;

 private:
  static bool avx2_wanted();
  bool previous_;
};

}  // namespace octet::int8
