// Pass fold_pad_into_conv: a convolution pads with zeros, so an explicit Pad
// before it that adds zeros around the spatial dimensions only (constant mode,
// value 0, nothing on N or C) is the same as a larger convolution padding.
// Pooling is left alone: max pooling ignores its padding and average pooling
// does not count it, so neither equals padding with zeros.
#include "passes/passes.h"

namespace octet {
namespace {

// The Pad's [top, left, bottom, right] when it pads an NHWC tensor with zeros
// on H and W only; empty otherwise, with `why` set.
std::vector<int64_t> spatial_zero_pads(Rewriter& rw, const Node& pad, std::string& why) {
  const std::vector<int64_t> pads = pad.attrs.get_ints("pads");
  if (pad.attrs.get_string("mode", "constant") != "constant") why = "the Pad is not in constant mode";
  else if (pad.attrs.get_float("value", 0.0f) != 0.0f) why = "the Pad's value is not 0";
  else if (rw.tensor(pad.inputs[0]).shape.size() != 4 || pads.size() != 8) why = "the Pad's input is not 4-D";
  else if (pads[0] || pads[3] || pads[4] || pads[7]) why = "the Pad pads the batch or channel dimension";
  if (!why.empty()) return {};
  return {pads[1], pads[2], pads[5], pads[6]};
}

MatchResult pad_into_conv(Rewriter& rw, int n) {
  const int p = rw.producer(rw.node(n).inputs[0]);
  if (p == kNoTensor || rw.node(p).op != OpKind::Pad) return no_match("the input does not come from a Pad");
  std::string why;
  const std::vector<int64_t> extra = spatial_zero_pads(rw, rw.node(p), why);
  if (extra.empty()) return no_match(why);
  std::vector<int64_t> pads = rw.node(n).attrs.get_ints("pads", {0, 0, 0, 0});
  for (size_t i = 0; i < 4; ++i) pads[i] += extra[i];
  rw.node(n).attrs.set("pads", pads);
  rw.set_input(n, 0, rw.node(p).inputs[0]);  // the Pad goes once nothing else reads it
  rw.reinfer(n);
  return matched();
}

}  // namespace

const std::vector<Pattern>& fold_pad_into_conv_patterns() {
  static const std::vector<Pattern> patterns{{"pad_into_conv", OpKind::Conv2D, pad_into_conv}};
  return patterns;
}

Graph fold_pad_into_conv(Graph graph) {
  apply_patterns(graph, fold_pad_into_conv_patterns());
  return graph;
}

}  // namespace octet
