// Test helpers for the measurement readers (engine/fit/readers): one metric of a Measurement.
// (The message of the blis::Error an expression throws: tests/unit/error_of.h.)
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "engine/fit/measurement.h"

namespace blis::fit::testing {

// The value of metric `name` at `stage`; fails the test when it is absent or repeated.
inline double metric_ms(const Measurement& m, int stage, const std::string& name) {
  const ObservedMetric* found = nullptr;
  for (const ObservedMetric& metric : m.metrics) {
    if (metric.stage != stage || metric.name != name) continue;
    if (found != nullptr) FAIL("metric " << name << " of stage " << stage << " appears twice");
    found = &metric;
  }
  if (found == nullptr) FAIL("no metric " << name << " of stage " << stage);
  return found->ms;
}

inline bool has_metric(const Measurement& m, int stage, const std::string& name) {
  for (const ObservedMetric& metric : m.metrics) {
    if (metric.stage == stage && metric.name == name) return true;
  }
  return false;
}

}  // namespace blis::fit::testing
