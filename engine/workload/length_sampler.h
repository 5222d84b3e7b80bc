// Token-length samplers of workload specs (cluster-workload-trace §D.6): gaussian, exponential,
// pareto_lognormal, constant, empirical — the reference's formulas, draw order, rounding (half
// away from zero), floors and "out of range ⇒ 1".
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/corrections.h"
#include "engine/core/go_rand.h"

namespace blis::workload {

// A DistSpec: `params` in file order (names as written; empirical uses them as token counts).
struct DistSpec {
  std::string type;
  std::vector<std::pair<std::string, double>> params;
  std::string file;  // read into `params` only with empirical_file_read (spec_expansion.h)
};

class LengthSampler {
 public:
  virtual ~LengthSampler() = default;
  virtual int64_t sample(core::GoRand& rng) = 0;
};

// What a sample becomes, which decides whether 0 means something (NOTE 4's two corrections).
enum class SampleUse {
  RequestLength,  // a request's input or output length: 0 tokens cannot be served
  Quantity,       // a multimodal text length, item count or item size, or a reason ratio in
                  // percent: 0 means none
};

// Throws blis::Error: unknown type; `distribution requires parameter "<p>"`; for empirical, no
// bins, a key that is not an integer (`empirical PDF key "<k>" is not an integer: <why>`), and
// two keys naming the same integer (a deliberate deviation: the reference's result would depend
// on Go's random map order). The reference floors every sample at 1 except gaussian min == max
// and empirical ones (NOTE 4); with length_floor_one those are floored too when `use` is a request
// length. A constant is floored at 1 too, except, with constant_keeps_zero, for a quantity: then
// 0 stays 0 (and a negative constant is 0).
std::unique_ptr<LengthSampler> make_length_sampler(const DistSpec& spec, const core::Corrections& corrections,
                                                   SampleUse use);

// An empirical PDF key as the reference reads it (fmt.Sscanf "%d": leading blanks, one sign,
// decimal digits; the first non-digit ends the number). False with Go's reason on failure.
bool scan_empirical_key(const std::string& key, int64_t& out, std::string& why);

}  // namespace blis::workload
