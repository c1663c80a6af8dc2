// Which int8 kernels the ops run. The fast kernels (conv2d_gemm.h,
// conv2d_depthwise.h, ...) compute exactly the integers of the reference
// kernels (conv2d.h, ...), which stay as the oracle: tests switch them on to
// compare whole graphs byte for byte. The switch is process-wide.
#pragma once

namespace octet::int8 {

// true: every op runs its reference int8 kernel; false (the default): the
// fast kernels where an op has one.
void set_reference_kernels(bool on);
bool reference_kernels();

// Sets the choice for one scope and restores the previous one after it.
class KernelChoiceScope {
 public:
  explicit KernelChoiceScope(bool reference) : previous_(reference_kernels()) { set_reference_kernels(reference); }
  ~KernelChoiceScope() { set_reference_kernels(previous_); }
  KernelChoiceScope(const KernelChoiceScope&) = delete;
  KernelChoiceScope& operator=(const KernelChoiceScope&) = delete;

 private:
  bool previous_;
};

}  // namespace octet::int8
