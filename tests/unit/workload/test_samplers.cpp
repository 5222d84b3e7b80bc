// Workload-spec samplers (cluster-workload-trace §D.5, §D.6): each arrival and length sampler
// matches its target distribution (Kolmogorov–Smirnov at the 1% level over 10,000 draws, with the
// statistic taken exactly for the integer-valued output), plus the reference's edge rules.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>

#include "engine/core/error.h"
#include "engine/core/go_rand.h"
#include "engine/workload/arrival_sampler.h"
#include "engine/workload/length_sampler.h"

using blis::core::GoRand;
using blis::workload::DistSpec;

namespace {

constexpr int kDraws = 10000;
const double kCritical = 1.628 / std::sqrt(static_cast<double>(kDraws));  // KS, alpha = 1%

const blis::DiagnosticSink quiet = [](blis::LogLevel, const std::string&) {};

// The exact KS statistic of integer samples against the CDF G of the integer-valued target:
// the empirical CDF is compared with G just at and just below every observed value.
double ks_statistic(std::vector<int64_t> samples, const std::function<double(double)>& G) {
  std::sort(samples.begin(), samples.end());
  const double n = static_cast<double>(samples.size());
  double d = 0;
  size_t i = 0;
  while (i < samples.size()) {
    size_t j = i;
    while (j < samples.size() && samples[j] == samples[i]) ++j;
    const double v = static_cast<double>(samples[i]);
    d = std::max(d, std::fabs(static_cast<double>(j) / n - G(v)));      // at v
    d = std::max(d, std::fabs(static_cast<double>(i) / n - G(v - 1)));  // just below v
    i = j;
  }
  return d;
}

// Regularized lower incomplete gamma P(a, x) (series / continued fraction).
double gamma_p(double a, double x) {
  if (x <= 0) return 0;
  const double log_prefix = -x + a * std::log(x) - std::lgamma(a);
  if (x < a + 1) {
    double term = 1.0 / a, sum = term;
    for (int n = 1; n < 10000 && std::fabs(term) > std::fabs(sum) * 1e-15; ++n) {
      term *= x / (a + n);
      sum += term;
    }
    return sum * std::exp(log_prefix);
  }
  double b = x + 1 - a, c = 1e300, d = 1 / b, h = d;
  for (int i = 1; i < 10000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (std::fabs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < 1e-15) break;
  }
  return 1.0 - std::exp(log_prefix) * h;
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

std::vector<int64_t> arrivals(const std::string& process, double rate, std::optional<double> cv, int64_t seed) {
  auto sampler = blis::workload::make_arrival_sampler(process, rate, cv, quiet);
  GoRand rng(seed);
  std::vector<int64_t> out;
  for (int i = 0; i < kDraws; ++i) out.push_back(sampler->next(rng));
  return out;
}

std::vector<int64_t> lengths(const DistSpec& spec, int64_t seed) {
  auto sampler = blis::workload::make_length_sampler(spec, blis::core::Corrections{}, blis::workload::SampleUse::RequestLength);
  GoRand rng(seed);
  std::vector<int64_t> out;
  for (int i = 0; i < kDraws; ++i) out.push_back(sampler->sample(rng));
  return out;
}

// Truncation to ticks: P(iat <= v) = F(v + 1) for v >= 1 (the floor at 1 adds F(1) to 1).
std::function<double(double)> truncated(std::function<double(double)> F) {
  return [F](double v) { return v < 1 ? 0.0 : F(v + 1); };
}
// Rounding half away from zero, floored at 1: P(len <= v) = F(v + 0.5) for v >= 1.
std::function<double(double)> rounded(std::function<double(double)> F) {
  return [F](double v) { return v < 1 ? 0.0 : F(v + 0.5); };
}

}  // namespace

TEST_CASE("poisson inter-arrival times are exponential with mean 1/rate") {
  const double rate = 20.0 / 1e6;  // 20 req/s in req/tick
  const auto iat = arrivals("poisson", rate, std::nullopt, 1);
  CHECK(ks_statistic(iat, truncated([&](double x) { return 1 - std::exp(-rate * x); })) < kCritical);
}

TEST_CASE("gamma inter-arrival times follow Gamma(1/cv^2, mean cv^2), for cv below and above 1") {
  for (const double cv : {0.5, 1.0, 2.0, 3.5}) {
    CAPTURE(cv);
    const double rate = 50.0 / 1e6, mean = 1 / rate;
    const double k = 1 / (cv * cv), theta = mean * cv * cv;
    const auto iat = arrivals("gamma", rate, cv, 7);
    CHECK(ks_statistic(iat, truncated([&](double x) { return gamma_p(k, x / theta); })) < kCritical);
  }
}

TEST_CASE("weibull inter-arrival times have the requested CV and mean") {
  for (const double cv : {0.3, 1.0, 2.5}) {
    CAPTURE(cv);
    bool converged = false;
    const double shape = blis::workload::weibull_shape_for_cv(cv, converged);
    CHECK(converged);
    const double rate = 10.0 / 1e6, mean = 1 / rate;
    const double scale = mean / std::tgamma(1 + 1 / shape);
    const auto iat = arrivals("weibull", rate, cv, 11);
    CHECK(ks_statistic(iat, truncated([&](double x) { return 1 - std::exp(-std::pow(x / scale, shape)); })) <
          kCritical);
  }
}

TEST_CASE("arrival edge rules: at least one tick, unknown process, gamma fallback to poisson") {
  for (const int64_t v : arrivals("poisson", 1.0, std::nullopt, 3)) REQUIRE(v >= 1);  // a huge rate
  for (const int64_t v : arrivals("poisson", std::nan(""), std::nullopt, 3)) REQUIRE(v == 1);  // NOTE 18
  CHECK_THROWS_WITH(blis::workload::make_arrival_sampler("uniform", 1e-5, std::nullopt, quiet),
                    "unknown arrival process \"uniform\"; valid: poisson, gamma, weibull");
  std::string warning;
  blis::workload::make_arrival_sampler("gamma", 1e-5, 11.0, [&](blis::LogLevel, const std::string& m) { warning = m; });
  CHECK(warning.find("using poisson") != std::string::npos);
  // The fallback draws exactly like poisson.
  auto fallback = blis::workload::make_arrival_sampler("gamma", 1e-5, 11.0, quiet);
  auto poisson = blis::workload::make_arrival_sampler("poisson", 1e-5, std::nullopt, quiet);
  GoRand a(5), b(5);
  for (int i = 0; i < 100; ++i) REQUIRE(fallback->next(a) == poisson->next(b));
}

TEST_CASE("gaussian lengths: clamped normal, rounded") {
  const DistSpec spec{"gaussian", {{"mean", 1000}, {"std_dev", 200}, {"min", 1}, {"max", 100000}}, ""};
  CHECK(ks_statistic(lengths(spec, 21), rounded([](double x) { return normal_cdf((x - 1000) / 200); })) < kCritical);
}

TEST_CASE("exponential lengths") {
  const DistSpec spec{"exponential", {{"mean", 700}}, ""};
  CHECK(ks_statistic(lengths(spec, 22), rounded([](double x) { return 1 - std::exp(-x / 700); })) < kCritical);
}

TEST_CASE("pareto_lognormal lengths: the mixture of both") {
  const double alpha = 2.5, xm = 200, mu = 6.0, sigma = 0.5, mix = 0.3;
  const DistSpec spec{"pareto_lognormal",
                      {{"alpha", alpha}, {"xm", xm}, {"mu", mu}, {"sigma", sigma}, {"mix_weight", mix}}, ""};
  const auto F = [&](double x) {
    const double pareto = x < xm ? 0.0 : 1 - std::pow(xm / x, alpha);
    const double lognormal = normal_cdf((std::log(x) - mu) / sigma);
    return mix * pareto + (1 - mix) * lognormal;
  };
  CHECK(ks_statistic(lengths(spec, 23), rounded(F)) < kCritical);
}

TEST_CASE("empirical lengths: the given PDF, keys parsed like %d") {
  const DistSpec spec{"empirical", {{"64", 0.5}, {"256", 0.3}, {"1024.9", 0.2}, {"7", 0}}, ""};
  const auto samples = lengths(spec, 24);
  const std::map<int64_t, double> cdf = {{64, 0.5}, {256, 0.8}, {1024, 1.0}};
  CHECK(ks_statistic(samples, [&](double v) {
          double p = 0;
          for (const auto& [value, c] : cdf) {
            if (static_cast<double>(value) <= v) p = c;
          }
          return p;
        }) < kCritical);
  for (const int64_t v : samples) REQUIRE((v == 64 || v == 256 || v == 1024));
}

TEST_CASE("empirical lengths with a NaN weight pick bins as Go's sort.Search does") {
  // Reachable through multimodal and reason-ratio distributions, which the reference does not
  // validate: the CDF becomes [NaN, NaN, 1]; Go's search skips NaN entries, so every draw is 3
  // (a std::lower_bound would return 1).
  GoRand rng(5);
  auto sampler = blis::workload::make_length_sampler(
      {"empirical", {{"1", std::numeric_limits<double>::quiet_NaN()}, {"2", 0.5}, {"3", 0.5}}, ""}, blis::core::Corrections{}, blis::workload::SampleUse::RequestLength);
  for (int i = 0; i < 100; ++i) REQUIRE(sampler->sample(rng) == 3);
}

TEST_CASE("length edge rules and errors") {
  GoRand rng(1);
  // gaussian min == max: no draw, no floor at 1.
  auto fixed = blis::workload::make_length_sampler({"gaussian", {{"mean", 5}, {"std_dev", 1}, {"min", 0}, {"max", 0}}, ""}, blis::core::Corrections{}, blis::workload::SampleUse::RequestLength);
  CHECK(fixed->sample(rng) == 0);
  CHECK(blis::workload::make_length_sampler({"constant", {{"value", 0.9}}, ""}, blis::core::Corrections{}, blis::workload::SampleUse::RequestLength)->sample(rng) == 1);
  CHECK(blis::workload::make_length_sampler({"constant", {{"value", 12.7}}, ""}, blis::core::Corrections{}, blis::workload::SampleUse::RequestLength)->sample(rng) == 12);
  CHECK(blis::workload::make_length_sampler({"empirical", {{"-3", 1}}, ""}, blis::core::Corrections{}, blis::workload::SampleUse::RequestLength)->sample(rng) == -3);  // one bin, no floor
  CHECK_THROWS_WITH(blis::workload::make_length_sampler({"gaussian", {{"mean", 5}, {"min", 1}}, ""}, blis::core::Corrections{}, blis::workload::SampleUse::RequestLength),
                    "distribution requires parameter \"std_dev\"");
  CHECK_THROWS_WITH(blis::workload::make_length_sampler({"zipf", {}, ""}, blis::core::Corrections{}, blis::workload::SampleUse::RequestLength),
                    "unknown distribution type \"zipf\"; valid: gaussian, exponential, pareto_lognormal, empirical, "
                    "constant");
  CHECK_THROWS_WITH(blis::workload::make_length_sampler({"empirical", {{"abc", 1}}, ""}, blis::core::Corrections{}, blis::workload::SampleUse::RequestLength),
                    "empirical PDF key \"abc\" is not an integer: expected integer");
  CHECK_THROWS_WITH(blis::workload::make_length_sampler({"empirical", {{"", 1}}, ""}, blis::core::Corrections{}, blis::workload::SampleUse::RequestLength),
                    "empirical PDF key \"\" is not an integer: EOF");
  CHECK_THROWS_WITH(blis::workload::make_length_sampler({"empirical", {{"99999999999999999999", 1}}, ""}, blis::core::Corrections{}, blis::workload::SampleUse::RequestLength),
                    "empirical PDF key \"99999999999999999999\" is not an integer: value out of range");
  CHECK_THROWS_WITH(blis::workload::make_length_sampler({"empirical", {{"64", 1}, {"64.0", 1}}, ""}, blis::core::Corrections{}, blis::workload::SampleUse::RequestLength),
                    "empirical PDF keys \"64\" and \"64.0\" both mean 64 tokens (the reference would pick one at "
                    "random)");
  // A Pareto tail beyond int64 becomes 1, not undefined behaviour.
  auto tail = blis::workload::make_length_sampler(
      {"pareto_lognormal", {{"alpha", 0.01}, {"xm", 1e300}, {"mu", 1}, {"sigma", 1}, {"mix_weight", 1}}, ""}, blis::core::Corrections{}, blis::workload::SampleUse::RequestLength);
  for (int i = 0; i < 100; ++i) REQUIRE(tail->sample(rng) == 1);
}
