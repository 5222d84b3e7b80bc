#include "engine/fit/fit_parameters.h"

#include <algorithm>
#include <cmath>

namespace blis::fit {

namespace physics = latency::physics;

namespace {

constexpr const char* kHostNames[] = {"queueing_us", "queueing_us_per_input_token", "output_token_us",
                                      "post_decode_us", "queueing_us_tp"};
constexpr double physics::PhysicsCoefficients::*kHostMembers[] = {
    &physics::PhysicsCoefficients::queueing_us, &physics::PhysicsCoefficients::queueing_us_per_input_token,
    &physics::PhysicsCoefficients::output_token_us, &physics::PhysicsCoefficients::post_decode_us,
    &physics::PhysicsCoefficients::queueing_us_tp};

}  // namespace

const std::vector<std::string>& fittable_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out(physics::kTermNames.begin(), physics::kTermNames.end());
    for (const char* host : kHostNames) out.emplace_back(host);
    return out;
  }();
  return names;
}

const std::vector<std::string>& default_fit_names() {
  static const std::vector<std::string> names = {"prefill_compute", "decode_kv", "weights", "per_step",
                                                 "output_token_us"};
  return names;
}

int fittable_index(const std::string& name) {
  const std::vector<std::string>& names = fittable_names();
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

double get_coefficient(const physics::PhysicsCoefficients& c, int index) {
  if (index < physics::kTermCount) return c.terms[static_cast<size_t>(index)];
  return c.*kHostMembers[index - physics::kTermCount];
}

void set_coefficient(physics::PhysicsCoefficients& c, int index, double value) {
  if (index < physics::kTermCount) {
    c.terms[static_cast<size_t>(index)] = value;
  } else {
    c.*kHostMembers[index - physics::kTermCount] = value;
  }
}

ParameterMap::ParameterMap(const physics::PhysicsCoefficients& start, std::vector<int> indices)
    : start_(start), indices_(std::move(indices)) {
  for (const int index : indices_) {
    const double c = get_coefficient(start_, index);
    const double s = c > 0 ? c : 1.0;
    shift_.push_back(s);
    lower_.push_back(std::log(s));
    upper_.push_back(std::log(s + 1000.0 * std::max(s, 1.0)));
  }
}

std::vector<double> ParameterMap::start_point() const {
  std::vector<double> x;
  for (size_t i = 0; i < indices_.size(); ++i) x.push_back(std::log(get_coefficient(start_, indices_[i]) + shift_[i]));
  return x;
}

physics::PhysicsCoefficients ParameterMap::coefficients_at(const std::vector<double>& x) const {
  physics::PhysicsCoefficients c = start_;
  for (size_t i = 0; i < indices_.size(); ++i) {
    // At the start point and at the lower bound c is exactly the start value and exactly 0
    // (exp(log(c + s)) - s need not round back to c), so the search's first evaluation is the start's.
    const double start_value = get_coefficient(start_, indices_[i]);
    const double value = x[i] == std::log(start_value + shift_[i]) ? start_value
                         : x[i] <= lower_[i]                        ? 0.0
                                                                    : std::max(0.0, std::exp(x[i]) - shift_[i]);
    set_coefficient(c, indices_[i], value);
  }
  return c;
}

}  // namespace blis::fit
