// Repeated run-time warnings are shown a few times per kind, then counted once at the end.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/warning_limiter.h"

TEST_CASE("warning limiter: a kind is shown kShownPerKind times, then counted once") {
  std::vector<std::string> lines;
  const blis::DiagnosticSink out = [&](blis::LogLevel level, const std::string& m) {
    lines.push_back((level == blis::LogLevel::Warning ? "W " : level == blis::LogLevel::Error ? "E " : "D ") + m);
  };
  blis::WarningLimiter limiter(out);
  for (int i = 0; i < 12; ++i) limiter.sink()(blis::LogLevel::Warning, "too small for request_" + std::to_string(i));
  limiter.sink()(blis::LogLevel::Warning, "another kind");
  for (int i = 0; i < 7; ++i) limiter.sink()(blis::LogLevel::Error, "final token of request_" + std::to_string(i));
  limiter.sink()(blis::LogLevel::Debug, "debug lines pass");
  limiter.sink()(blis::LogLevel::Debug, "debug lines pass");
  limiter.finish();
  limiter.finish();  // idempotent
  const std::vector<std::string> expected = {
      "W too small for request_0", "W too small for request_1", "W too small for request_2",
      "W too small for request_3", "W too small for request_4", "W another kind",
      "E final token of request_0", "E final token of request_1", "E final token of request_2",
      "E final token of request_3", "E final token of request_4", "D debug lines pass", "D debug lines pass",
      "W too small for request_0 ... (7 more like this)", "E final token of request_0 ... (2 more like this)"};
  CHECK(lines == expected);
}
