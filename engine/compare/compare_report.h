// `blis compare`'s output (docs/compare.md): the two scenarios' headers side by side, then one row
// per metric with each side's mean and 95% interval across the seeds, the ratio B/A with its
// paired interval, and which way B differs when the interval excludes 1. As text for people or
// as JSON (schema blis-compare/1) for programs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/report/run_summary.h"

namespace blis::compare {

struct CompareSide {
  std::string file;
  report::RunHeader header;               // the first seed's run
  std::vector<std::vector<double>> runs;  // [seed][metric], metrics in compare_metrics() order
};

struct CompareInput {
  std::vector<int64_t> seeds;
  CompareSide a, b;
};

inline constexpr const char* kCompareSchema = "blis-compare/1";

// "lower" / "higher" when B's ratio interval excludes 1, "same" when every seed gave both sides
// the same value, "no clear difference" otherwise; "" when a side has no value or there is only
// one seed (no interval).
std::string verdict_of(const std::vector<double>& a, const std::vector<double>& b);

std::string render_compare_human(const CompareInput& in);
std::string render_compare_json(const CompareInput& in);

}  // namespace blis::compare
