// Transpose against a naive index-by-index reference: every permutation of a
// rank-4 tensor, odd sizes that leave partial tiles, and each element width
// (the kernel moves bytes, so int64 and uint8 must come out identical).
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "runtime/engine.h"
#include "single_op_harness.h"

namespace octet {
namespace {

// out[i0..ik] = in[j] where input index j[perm[d]] = i[d].
template <typename T>
std::vector<T> naive_transpose(const std::vector<T>& in, const Shape& shape, const std::vector<int64_t>& perm) {
  const size_t rank = shape.size();
  Shape out_shape(rank);
  for (size_t d = 0; d < rank; ++d) out_shape[d] = shape[perm[d]];
  std::vector<int64_t> in_strides(rank, 1);
  for (size_t d = rank - 1; d-- > 0;) in_strides[d] = in_strides[d + 1] * shape[d + 1];
  std::vector<T> out;
  std::vector<int64_t> index(rank, 0);
  for (int64_t n = 0; n < element_count(out_shape); ++n) {
    int64_t offset = 0;
    for (size_t d = 0; d < rank; ++d) offset += index[d] * in_strides[perm[d]];
    out.push_back(in[offset]);
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < out_shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

template <typename T>
std::vector<T> run_transpose(const std::vector<T>& in, const Shape& shape, const std::vector<int64_t>& perm) {
  Graph g;
  Tensor x;
  x.name = "x";
  x.dtype = dtype_of<T>();
  x.shape = shape;
  g.inputs = {g.add_tensor(x)};
  Attributes attrs;
  attrs.set("perm", perm);
  g.outputs = g.nodes[g.add_node(OpKind::Transpose, "t", {g.inputs[0]}, attrs)].outputs;
  Engine engine(g);
  TensorView out = engine.run({in.data()})[0];
  return std::vector<T>(out.as<T>(), out.as<T>() + out.element_count());
}

template <typename T>
std::vector<T> counting(const Shape& shape) {
  std::vector<T> v(element_count(shape));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<T>(i * 7 + 3);
  return v;
}

TEST(Transpose, EveryRank4PermutationMatchesNaive) {
  const Shape shape{2, 3, 4, 5};
  const std::vector<float> in = counting<float>(shape);
  std::vector<int64_t> perm{0, 1, 2, 3};
  do {
    SCOPED_TRACE(shape_string(perm));
    EXPECT_EQ(run_transpose(in, shape, perm), naive_transpose(in, shape, perm));
  } while (std::next_permutation(perm.begin(), perm.end()));
}

TEST(Transpose, ChannelsLastAndFirstWithPartialTiles) {
  // 17 and 33 are not multiples of the tile size.
  const Shape nchw{2, 17, 9, 33};
  const std::vector<float> in = counting<float>(nchw);
  EXPECT_EQ(run_transpose(in, nchw, {0, 2, 3, 1}), naive_transpose(in, nchw, {0, 2, 3, 1}));
  EXPECT_EQ(run_transpose(in, nchw, {0, 3, 1, 2}), naive_transpose(in, nchw, {0, 3, 1, 2}));
}

TEST(Transpose, EveryElementWidth) {
  const Shape shape{3, 1, 5, 4};
  const std::vector<int64_t> perm{2, 0, 3, 1};
  const auto i64 = counting<int64_t>(shape);
  EXPECT_EQ(run_transpose(i64, shape, perm), naive_transpose(i64, shape, perm));
  const auto u8 = counting<uint8_t>(shape);
  EXPECT_EQ(run_transpose(u8, shape, perm), naive_transpose(u8, shape, perm));
  const auto i16 = counting<int16_t>(shape);
  EXPECT_EQ(run_transpose(i16, shape, perm), naive_transpose(i16, shape, perm));
}

TEST(Transpose, Rank5AndSizeOneDimensions) {
  const Shape shape{1, 4, 1, 3, 2};
  const std::vector<int64_t> perm{4, 2, 0, 3, 1};
  const auto in = counting<float>(shape);
  EXPECT_EQ(run_transpose(in, shape, perm), naive_transpose(in, shape, perm));
}

TEST(Transpose, RejectsANonPermutation) {
  Attributes attrs;
  attrs.set("perm", std::vector<int64_t>{0, 0});
  try {
    testing::run_op(OpKind::Transpose, {testing::Input{{2, 2}, {1, 2, 3, 4}}}, attrs);
    FAIL() << "expected a shape error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadShape);
  }
}

}  // namespace
}  // namespace octet
