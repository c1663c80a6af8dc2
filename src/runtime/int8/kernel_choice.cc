#include "runtime/int8/kernel_choice.h"

#include <atomic>

namespace octet::int8 {
namespace {

std::atomic<bool> use_reference{false};

}  // namespace

void set_reference_kernels(bool on) { use_reference.store(on, std::memory_order_relaxed); }

bool reference_kernels() { return use_reference.load(std::memory_order_relaxed); }

}  // namespace octet::int8
