#include "engine/workload/length_sampler.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "engine/core/error.h"
#include "engine/core/go_math.h"
#include "engine/core/input_limits.h"
#include "engine/core/ticks.h"

namespace blis::workload {

namespace {

namespace gm = core::gomath;

// int(math.Round(v)), then at least 1 (out of range and NaN give INT64_MIN, hence 1).
int64_t round_floor_one(double v) {
  const int64_t n = go_round_to_int64(v);
  return n < 1 ? 1 : n;
}

double param(const DistSpec& spec, const char* name) {
  for (const auto& [key, value] : spec.params) {
    if (key == name) return value;
  }
  throw Error(fmt::format("distribution requires parameter \"{}\"", name));
}

class GaussianSampler final : public LengthSampler {
 public:
  GaussianSampler(double mean, double stdev, int64_t min, int64_t max, bool floor_one)
      : mean_(mean), stdev_(stdev), min_(min), max_(max), floor_one_(floor_one) {}
  int64_t sample(core::GoRand& rng) override {
    // NOTE (§D.6): min == max returns min with no draw and no floor at 1 (length_floor_one: floored).
    if (min_ == max_) return floor_one_ && min_ < 1 ? 1 : min_;
    const double v = rng.norm_float64() * stdev_ + mean_;
    // math.Min(max, math.Max(min, v)): a NaN stays NaN and ends as 1.
    const double clamped = go_min(static_cast<double>(max_), go_max(static_cast<double>(min_), v));
    return round_floor_one(clamped);
  }

 private:
  static double go_max(double a, double b) { return std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b); }
  static double go_min(double a, double b) { return std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b); }
  double mean_, stdev_;
  int64_t min_, max_;
  bool floor_one_;
};

class ExponentialSampler final : public LengthSampler {
 public:
  explicit ExponentialSampler(double mean) : mean_(mean) {}
  int64_t sample(core::GoRand& rng) override { return round_floor_one(rng.exp_float64() * mean_); }

 private:
  double mean_;
};

class ParetoLognormalSampler final : public LengthSampler {
 public:
  ParetoLognormalSampler(double alpha, double xm, double mu, double sigma, double mix)
      : alpha_(alpha), xm_(xm), mu_(mu), sigma_(sigma), mix_(mix) {}
  int64_t sample(core::GoRand& rng) override {
    double v = 0;
    if (rng.float64() < mix_) {
      double u = rng.float64();
      if (u == 0) u = std::numeric_limits<double>::denorm_min();
      v = xm_ / gm::pow(u, 1.0 / alpha_);
    } else {
      v = gm::exp(mu_ + sigma_ * rng.norm_float64());
    }
    if (std::isinf(v) || std::isnan(v)) return 1;
    return round_floor_one(v);
  }

 private:
  double alpha_, xm_, mu_, sigma_, mix_;
};

class ConstantSampler final : public LengthSampler {
 public:
  // NOTE (§D.6, §D.10): the reference floors a constant at 1, so a reason-ratio constant 0 is
  // 0.01 and a multimodal count 0 is one item. keep_zero (constant_keeps_zero, quantities only):
  // 0 stays 0 and a negative constant means none, 0.
  ConstantSampler(int64_t value, bool keep_zero)
      : value_(keep_zero ? std::max<int64_t>(value, 0) : std::max<int64_t>(value, 1)) {}
  int64_t sample(core::GoRand&) override { return value_; }

 private:
  int64_t value_;
};

class EmpiricalSampler final : public LengthSampler {
 public:
  EmpiricalSampler(std::vector<int64_t> values, std::vector<double> cdf, bool floor_one)
      : values_(std::move(values)), cdf_(std::move(cdf)), floor_one_(floor_one) {}
  int64_t sample(core::GoRand& rng) override {
    if (values_.empty()) return 1;
    // NOTE (§D.6): the drawn key is returned as it is, 0 and negatives included (length_floor_one: floored).
    int64_t v = values_[0];  // one bin: no draw
    if (values_.size() > 1) v = values_[std::min(search_first_at_least(rng.float64()), values_.size() - 1)];
    return floor_one_ && v < 1 ? 1 : v;
  }

 private:
  // Go's sort.SearchFloat64s: the first index with cdf >= u, bisecting as sort.Search does. Not
  // std::lower_bound: with a NaN in the table (unvalidated multimodal or reason-ratio weights)
  // the two predicates disagree, and the reference's choice is the one to reproduce.
  size_t search_first_at_least(double u) const {
    size_t lo = 0, hi = cdf_.size();
    while (lo < hi) {
      const size_t mid = (lo + hi) >> 1;
      if (!(cdf_[mid] >= u)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  std::vector<int64_t> values_;
  std::vector<double> cdf_;
  bool floor_one_;
};

}  // namespace

bool scan_empirical_key(const std::string& key, int64_t& out, std::string& why) {
  size_t i = 0;
  while (i < key.size() && (key[i] == ' ' || key[i] == '\t' || key[i] == '\n' || key[i] == '\r')) ++i;
  if (i == key.size()) {
    why = "EOF";
    return false;
  }
  bool negative = false;
  if (key[i] == '+' || key[i] == '-') negative = key[i++] == '-';
  const size_t digits_start = i;
  uint64_t magnitude = 0;
  bool overflow = false;
  while (i < key.size() && key[i] >= '0' && key[i] <= '9') {
    const uint64_t d = static_cast<uint64_t>(key[i] - '0');
    if (magnitude > (static_cast<uint64_t>(INT64_MAX) + 1 - d) / 10) overflow = true;
    magnitude = magnitude * 10 + d;
    ++i;
  }
  if (i == digits_start) {
    why = "expected integer";
    return false;
  }
  if (overflow || (!negative && magnitude > static_cast<uint64_t>(INT64_MAX))) {
    why = "value out of range";
    return false;
  }
  out = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  return true;
}

namespace {

std::unique_ptr<LengthSampler> make_empirical(const DistSpec& spec, bool floor_one) {
  if (spec.params.empty()) {
    throw Error(spec.file.empty() ? "empirical distribution requires params (token count -> probability) or a file"
                                  : "empirical distribution has no valid bins (reference mode does not read its file: give "
                                    "params, or turn on the empirical_file_read correction)");
  }
  if (static_cast<int64_t>(spec.params.size()) > core::limits::kMaxEmpiricalBins) {
    throw Error(fmt::format("an empirical PDF may have at most {} bins (docs/safety.md), got {}",
                            core::limits::kMaxEmpiricalBins, spec.params.size()));
  }
  std::map<int64_t, double> pdf;
  std::map<int64_t, std::string> key_of;
  for (const auto& [key, p] : spec.params) {
    int64_t n = 0;
    std::string why;
    if (!scan_empirical_key(key, n, why)) throw Error(fmt::format("empirical PDF key \"{}\" is not an integer: {}", key, why));
    if (const auto seen = key_of.find(n); seen != key_of.end()) {
      throw Error(fmt::format("empirical PDF keys \"{}\" and \"{}\" both mean {} tokens (the reference would pick "
                              "one at random)", seen->second, key, n));
    }
    if (n > core::limits::kMaxTokensPerRequest) {
      throw Error(fmt::format("empirical PDF key \"{}\" is above the limit of {} tokens per request "
                              "(docs/safety.md)", key, core::limits::kMaxTokensPerRequest));
    }
    key_of.emplace(n, key);
    pdf[n] = p;
  }
  double total = 0;
  for (const auto& [n, p] : pdf) total += p;  // over all keys, ascending, including p <= 0
  std::vector<int64_t> values;
  std::vector<double> cdf;
  double cumulative = 0;
  for (const auto& [n, p] : pdf) {
    if (!(p > 0)) continue;
    cumulative += p / total;
    values.push_back(n);
    cdf.push_back(cumulative);
  }
  if (!cdf.empty()) cdf.back() = 1.0;
  return std::make_unique<EmpiricalSampler>(std::move(values), std::move(cdf), floor_one);
}

}  // namespace

std::unique_ptr<LengthSampler> make_length_sampler(const DistSpec& spec, const core::Corrections& corrections,
                                                   SampleUse use) {
  // The two corrections of NOTE 4, each read here only. A request length must be at least 1
  // token (a 0-token prompt cannot be served, and vLLM rejects max_tokens 0); a quantity may be 0.
  const bool floor_one = use == SampleUse::RequestLength && corrections.length_floor_one;
  const bool keep_zero = use == SampleUse::Quantity && corrections.constant_keeps_zero;
  // Parameters are looked up one statement at a time: the first missing one is reported.
  if (spec.type == "gaussian") {
    const double mean = param(spec, "mean");
    const double stdev = param(spec, "std_dev");
    const int64_t min = go_int64(param(spec, "min"));
    const int64_t max = go_int64(param(spec, "max"));
    return std::make_unique<GaussianSampler>(mean, stdev, min, max, floor_one);
  }
  if (spec.type == "exponential") return std::make_unique<ExponentialSampler>(param(spec, "mean"));
  if (spec.type == "pareto_lognormal") {
    const double alpha = param(spec, "alpha");
    const double xm = param(spec, "xm");
    const double mu = param(spec, "mu");
    const double sigma = param(spec, "sigma");
    const double mix = param(spec, "mix_weight");
    return std::make_unique<ParetoLognormalSampler>(alpha, xm, mu, sigma, mix);
  }
  if (spec.type == "constant") return std::make_unique<ConstantSampler>(go_int64(param(spec, "value")), keep_zero);
  if (spec.type == "empirical") return make_empirical(spec, floor_one);
  throw Error(fmt::format("unknown distribution type \"{}\"; valid: gaussian, exponential, pareto_lognormal, "
                          "empirical, constant", spec.type));
}

}  // namespace blis::workload
