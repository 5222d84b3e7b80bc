// What the measurement readers of engine/fit/readers/ share: reading an input file with one
// message naming it, and the metric names a Measurement uses (engine/fit/measurement.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blis::fit::readers {

// The whole file. Throws blis::Error "cannot read <what> <path>: <reason>".
std::string read_input_file(const std::string& path, const char* what);

// The quantities and statistics of metric names, in the order readers list them.
inline constexpr const char* kQuantities[] = {"e2e", "ttft", "itl", "tpot"};
inline constexpr const char* kStatistics[] = {"mean", "p50", "p90", "p95", "p99"};

// "e2e_p90" as it is, "ttft_median" as "ttft_p50"; nothing for a name that is not
// <quantity>_<statistic>.
std::optional<std::string> canonical_metric_name(std::string_view name);
// Every canonical name, for "did you mean" hints.
std::vector<std::string> metric_names();

}  // namespace blis::fit::readers
