// Diagnostics on stderr: the --log / `log =` level and the sink that filters by it. Levels are
// logrus's (the reference's logger): trace, debug, info, warn (or warning), error, fatal, panic,
// in any case; the check comes first in a run, as in the reference (engine-core §8.2 step 1).
#pragma once

#include <string>
#include <string_view>

#include "engine/simulation.h"

namespace blis::bindings {

// The least severe level shown; "fatal" and "panic" show none of the engine's diagnostics.
struct LogFilter {
  int minimum_rank = 3;  // warn
  bool shows(LogLevel level) const;
};

// Throws Error "Invalid log level: <text>".
LogFilter parse_log_level(std::string_view text);

// "blis: warning: <message>\n"
std::string format_diagnostic(LogLevel level, std::string_view message);

// Writes the diagnostics `filter` lets through to stderr, one line each, as they arrive.
DiagnosticSink stderr_sink(LogFilter filter);

}  // namespace blis::bindings
