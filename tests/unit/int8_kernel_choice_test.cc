// The process-wide int8 kernel switch (kernel_choice.h) at the op level, for
// the fast path that lives in an op's eval rather than a kernel file: an
// 8-bit QUANTIZE (requantize) looks its codes up in a table of all 256
// results. Every code, below and above the table's threshold, gives the same
// integers with the fast and with the reference kernels. And the switch
// between the fast kernels' AVX2 and portable code.
#include <gtest/gtest.h>

#include <vector>

#include "ops/quantize.h"
#include "runtime/engine.h"
#include "runtime/int8/kernel_choice.h"

namespace octet {
namespace {

QuantParams per_tensor(float scale, int64_t zero_point) { return {{scale}, {zero_point}, -1}; }

// The node's int8 output on `input` with the chosen kernels.
template <typename In>
std::vector<int8_t> requantize(const std::vector<In>& input, DType dtype, QuantParams in, QuantParams out,
                               bool reference) {
  Graph g;
  const int x = g.add_tensor(Tensor{"x", dtype, {static_cast<int64_t>(input.size())}, nullptr, in});
  g.inputs.push_back(x);
  g.outputs = {g.nodes[g.add_node(OpKind::Quantize, "q", {x}, quantize_attrs(DType::Int8, out, in))].outputs[0]};
  const int8::KernelChoiceScope choice(reference);
  Engine engine(g);
  const TensorView y = engine.run({input.data()})[0];
  return std::vector<int8_t>(y.as<int8_t>(), y.as<int8_t>() + y.element_count());
}

TEST(Int8KernelChoice, RequantizeTableGivesTheReferenceCodes) {
  std::vector<int8_t> signed_codes;
  std::vector<uint8_t> unsigned_codes;
  for (int repeat = 0; repeat < 3; ++repeat) {
    for (int code = 0; code < 256; ++code) {
      signed_codes.push_back(static_cast<int8_t>(code - 128));
      unsigned_codes.push_back(static_cast<uint8_t>((code * 7 + repeat) % 256));
    }
  }
  for (const auto& [in, out] : {std::pair{per_tensor(0.1f, 5), per_tensor(0.37f, -20)},   // shrinks
                                std::pair{per_tensor(0.3f, -128), per_tensor(0.01f, 3)},  // saturates
                                std::pair{per_tensor(0.25f, 0), per_tensor(0.5f, 0)}}) {  // ties
    for (const size_t count : {size_t{200}, signed_codes.size()}) {
      const std::vector<int8_t> s(signed_codes.begin(), signed_codes.begin() + count);
      EXPECT_EQ(requantize(s, DType::Int8, in, out, false), requantize(s, DType::Int8, in, out, true));
    }
    QuantParams unsigned_in = in;
    unsigned_in.zero_points[0] += 128;
    EXPECT_EQ(requantize(unsigned_codes, DType::UInt8, unsigned_in, out, false),
              requantize(unsigned_codes, DType::UInt8, unsigned_in, out, true));
  }
  EXPECT_FALSE(int8::reference_kernels()) << "each scope restores the fast kernels";
}

// The AVX2 switch: on by default where the CPU has AVX2, off inside a scope
// that asks for the portable code, restored after it.
TEST(Int8KernelChoice, Avx2SwitchFollowsTheCpuAndItsScope) {
  const bool cpu_has_avx2 = __builtin_cpu_supports("avx2");
  EXPECT_EQ(int8::avx2_kernels(), cpu_has_avx2);
  {
    const int8::Avx2ChoiceScope portable(false);
    EXPECT_FALSE(int8::avx2_kernels());
    {
      const int8::Avx2ChoiceScope avx2(true);
      EXPECT_EQ(int8::avx2_kernels(), cpu_has_avx2);
    }
    EXPECT_FALSE(int8::avx2_kernels());
  }
  EXPECT_TRUE(int8::avx2_kernels_wanted());
  EXPECT_EQ(int8::avx2_kernels(), cpu_has_avx2);
}

}  // namespace
}  // namespace octet
