// The optimiser of blis fit (engine/fit/nelder_mead.h) on analytic functions: it finds the
// minimum, stays in its box, and gives the same answer for the same seed.
#include <doctest/doctest.h>

#include <cmath>

#include "engine/fit/nelder_mead.h"

namespace {

using blis::fit::minimize_nelder_mead;
using blis::fit::NelderMeadOptions;

double rosenbrock(const std::vector<double>& x) {
  double sum = 0;
  for (size_t i = 0; i + 1 < x.size(); ++i) {
    sum += 100 * std::pow(x[i + 1] - x[i] * x[i], 2) + std::pow(1 - x[i], 2);
  }
  return sum;
}

}  // namespace

TEST_CASE("nelder-mead: finds the minimum of Rosenbrock's function in 2 and 3 dimensions") {
  NelderMeadOptions options;
  options.max_evals = 4000;
  options.f_tolerance = 1e-14;
  options.x_tolerance = 1e-8;
  options.initial_step = 0.5;
  for (const size_t n : {2u, 3u}) {
    CAPTURE(n);
    const std::vector<double> lower(n, -5), upper(n, 5);
    const auto r = minimize_nelder_mead(rosenbrock, std::vector<double>(n, -1.2), lower, upper, options);
    CHECK(r.f < 1e-8);
    for (const double v : r.x) CHECK(v == doctest::Approx(1.0).epsilon(1e-3));
    CHECK(r.evals <= options.max_evals);
  }
}

TEST_CASE("nelder-mead: a minimum outside the box ends on the box's edge, never beyond it") {
  // A bowl centred at (3, -2) searched in [0, 1] x [-1, 1]: the answer is the corner (1, -1).
  const auto bowl = [](const std::vector<double>& x) { return std::pow(x[0] - 3, 2) + std::pow(x[1] + 2, 2); };
  const std::vector<double> lower{0, -1}, upper{1, 1};
  bool left_box = false;
  const auto watched = [&](const std::vector<double>& x) {
    for (size_t i = 0; i < x.size(); ++i) left_box = left_box || x[i] < lower[i] || x[i] > upper[i];
    return bowl(x);
  };
  NelderMeadOptions options;
  options.max_evals = 500;
  const auto r = minimize_nelder_mead(watched, {0.5, 0.5}, lower, upper, options);
  CHECK_FALSE(left_box);
  CHECK(r.x[0] == doctest::Approx(1.0).epsilon(1e-4));
  CHECK(r.x[1] == doctest::Approx(-1.0).epsilon(1e-4));
}

TEST_CASE("nelder-mead: the same seed gives the same search; the budget is respected") {
  // A bumpy function on which restarts matter.
  const auto bumpy = [](const std::vector<double>& x) {
    double s = 0;
    for (const double v : x) s += v * v + 0.3 * (1 - std::cos(6 * v));
    return s;
  };
  NelderMeadOptions options;
  options.max_evals = 300;
  options.seed = 11;
  const std::vector<double> lower(4, -4), upper(4, 4), x0{2.5, -1.7, 3.1, 0.9};
  const auto a = minimize_nelder_mead(bumpy, x0, lower, upper, options);
  const auto b = minimize_nelder_mead(bumpy, x0, lower, upper, options);
  CHECK(a.x == b.x);
  CHECK(a.f == b.f);
  CHECK(a.evals == b.evals);
  CHECK(a.evals <= 300);
  CHECK(a.f < bumpy(x0));
  int calls = 0;
  options.max_evals = 17;
  const auto c = minimize_nelder_mead([&](const std::vector<double>& x) { ++calls; return bumpy(x); }, x0, lower,
                                      upper, options);
  CHECK(calls == 17);
  CHECK(c.evals == 17);
  CHECK_FALSE(c.converged);
}

TEST_CASE("nelder-mead: a non-finite value counts as worse than any finite one") {
  const auto nan_left = [](const std::vector<double>& x) {
    return x[0] < 0 ? std::nan("") : std::pow(x[0] - 0.5, 2);
  };
  NelderMeadOptions options;
  options.max_evals = 300;
  const auto r = minimize_nelder_mead(nan_left, {-0.2}, {-1}, {2}, options);
  CHECK(std::isfinite(r.f));
  CHECK(r.x[0] == doctest::Approx(0.5).epsilon(1e-3));
}
