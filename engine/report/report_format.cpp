#include "engine/report/report_format.h"

namespace blis::report {

std::optional<ReportFormat> parse_report_format(std::string_view name) {
  if (name == "human") return ReportFormat::Human;
  if (name == "json") return ReportFormat::Json;
  if (name == "reference") return ReportFormat::Reference;
  return std::nullopt;
}

}  // namespace blis::report
