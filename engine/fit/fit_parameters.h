// The coefficients `blis fit` can move (docs/latency-models.md, "Fitting your own coefficients"):
// every basis term of step_terms.h and every host overhead of the coefficient file, by the name
// the YAML file gives it, and the map between a coefficient c >= 0 and the unbounded-below
// coordinate the optimiser searches, x = log(c + s).
#pragma once

#include <string>
#include <vector>

#include "engine/latency/physics/physics_coefficients.h"

namespace blis::fit {

// Every fittable name: the term names in Term order, then queueing_us,
// queueing_us_per_input_token, output_token_us, post_decode_us, queueing_us_tp.
const std::vector<std::string>& fittable_names();

// What a list that names no `fit` moves: the terms that carry most of a dense model's step time
// (prefill compute, decode KV traffic, weight reads, the per-step overhead) and the per-token
// host overhead, the subset a handful of experiments of different batch regimes can identify.
const std::vector<std::string>& default_fit_names();

// Index into fittable_names(), or -1.
int fittable_index(const std::string& name);

double get_coefficient(const latency::physics::PhysicsCoefficients& c, int index);
void set_coefficient(latency::physics::PhysicsCoefficients& c, int index, double value);

// The search coordinates of the chosen coefficients. A coefficient c is searched as
// x = log(c + s), s = its start value (or 1 when the start is 0): multiplicative steps for a
// coefficient far from 0, yet c = 0 stays reachable (x = log s is its lower bound) and a
// coefficient that starts at 0 can still grow. x is bounded above at log(s + 1000 max(s, 1)).
class ParameterMap {
 public:
  ParameterMap(const latency::physics::PhysicsCoefficients& start, std::vector<int> indices);

  size_t size() const { return indices_.size(); }
  const std::vector<int>& indices() const { return indices_; }
  std::vector<double> start_point() const;
  const std::vector<double>& lower() const { return lower_; }
  const std::vector<double>& upper() const { return upper_; }
  // The start coefficients with the chosen ones set from `x` (clamped at >= 0).
  latency::physics::PhysicsCoefficients coefficients_at(const std::vector<double>& x) const;

 private:
  latency::physics::PhysicsCoefficients start_;
  std::vector<int> indices_;
  std::vector<double> shift_, lower_, upper_;
};

}  // namespace blis::fit
