#include "bindings/diagnostics.h"

#include <cctype>
#include <cstdio>

#include "engine/core/error.h"

namespace blis::bindings {

namespace {

int rank(LogLevel level) {
  switch (level) {
    case LogLevel::Trace: return 0;
    case LogLevel::Debug: return 1;
    case LogLevel::Info: return 2;
    case LogLevel::Warning: return 3;
    case LogLevel::Error: return 4;
  }
  return 4;
}

const char* name(LogLevel level) {
  switch (level) {
    case LogLevel::Trace: return "trace";
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warning: return "warning";
    case LogLevel::Error: return "error";
  }
  return "error";
}

}  // namespace

bool LogFilter::shows(LogLevel level) const { return rank(level) >= minimum_rank; }

LogFilter parse_log_level(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "trace") return {0};
  if (lower == "debug") return {1};
  if (lower == "info") return {2};
  if (lower == "warn" || lower == "warning") return {3};
  if (lower == "error") return {4};
  if (lower == "fatal" || lower == "panic") return {5};
  throw Error("Invalid log level: " + std::string(text));
}

std::string format_diagnostic(LogLevel level, std::string_view message) {
  return std::string("blis: ") + name(level) + ": " + std::string(message) + "\n";
}

DiagnosticSink stderr_sink(LogFilter filter) {
  return [filter](LogLevel level, const std::string& message) {
    if (!filter.shows(level)) return;
    const std::string line = format_diagnostic(level, message);
    std::fwrite(line.data(), 1, line.size(), stderr);
  };
}

}  // namespace blis::bindings
