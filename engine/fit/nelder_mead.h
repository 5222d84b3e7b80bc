// A bounded Nelder–Mead simplex search with restarts (docs/latency-models.md, "Fitting your own
// coefficients"): derivative-free, because every objective value of `blis fit` is a set of
// simulations whose output is piecewise constant in the coefficients (integer ticks, discrete
// batching), and deterministic: the only randomness, the restart simplices, comes from the
// partitioned RNG seeded by the caller.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace blis::fit {

struct NelderMeadOptions {
  int max_evals = 400;        // objective evaluations in all, restarts included
  double f_tolerance = 1e-9;  // converged when the simplex's values differ by less (relative + this absolute)
  double x_tolerance = 1e-5;  // ... and its vertices lie within this of the best one in every coordinate
  double initial_step = 0.4;  // the first simplex's edge in each coordinate
  int max_restarts = 6;       // fresh simplices around the best point after convergence
  int64_t seed = 1;           // seeds the restart simplices (PartitionedRng subsystem "fit_restart")
};

struct NelderMeadResult {
  std::vector<double> x;
  double f = 0;
  int evals = 0;
  int restarts = 0;       // restarts run
  bool converged = false; // the last simplex met the tolerances (else max_evals ended the search)
};

using ObjectiveFunction = std::function<double(const std::vector<double>&)>;
// Called after every evaluation with the count so far and the best value so far.
using ProgressFunction = std::function<void(int evals, double best)>;

// Minimises `f` over the box [lower, upper] from `x0` (clamped into the box). Points the simplex
// steps outside the box are projected back onto it. A non-finite value of f counts as +infinity.
// After convergence the search restarts from the best point with a simplex whose edges are
// initial_step x (0.5 .. 1.5, drawn) in a drawn direction per coordinate, and stops when a
// restart does not improve the best value by more than the tolerance, or at max_evals.
NelderMeadResult minimize_nelder_mead(const ObjectiveFunction& f, std::vector<double> x0,
                                      const std::vector<double>& lower, const std::vector<double>& upper,
                                      const NelderMeadOptions& options, const ProgressFunction& progress = {});

}  // namespace blis::fit
