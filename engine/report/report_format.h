// How a finished run prints its results (docs/output.md): the human report people read, one
// JSON document for programs, or the reference's exact blocks (parity with Go BLIS). Scenarios
// default to the human report, `blis run` to the reference's.
#pragma once

#include <optional>
#include <string_view>

namespace blis::report {

enum class ReportFormat { Human, Json, Reference };

// "human", "json", "reference"; anything else is nullopt (the caller names the key or flag).
std::optional<ReportFormat> parse_report_format(std::string_view name);

inline constexpr const char* kReportFormatNames = "human, json, reference";

}  // namespace blis::report
