#include "engine/workload/empirical_file.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <fstream>
#include <map>

#include "engine/core/error.h"
#include "engine/core/go_strconv.h"
#include "engine/core/input_limits.h"
#include "engine/core/os_error.h"
#include "engine/workload/csv_records.h"

namespace blis::workload {

namespace {

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<std::pair<std::string, double>> parse_empirical_csv(std::string_view text, const std::string& name) {
  CsvReader reader(text);
  std::vector<std::string> fields;
  std::vector<std::pair<std::string, double>> bins;
  std::map<int64_t, int> line_of;  // token count -> the line that gave it
  bool first = true;
  while (true) {
    try {
      if (!reader.read_record(fields)) break;
    } catch (const Error& e) {
      throw Error(fmt::format("{}: {}", name, e.what()));
    }
    const int line = reader.record_line();
    const std::string where = fmt::format("{}: line {}", name, line);
    if (fields.size() != 2) {
      throw Error(fmt::format("{}: expected 2 fields (tokens,probability), got {}", where, fields.size()));
    }
    const std::string_view tokens_text = trim(fields[0]), probability_text = trim(fields[1]);
    if (first && tokens_text == "tokens" && probability_text == "probability") {
      first = false;
      continue;  // the header row
    }
    first = false;
    int64_t tokens = 0;
    if (core::go::parse_int(tokens_text, tokens) != core::go::NumError::kNone || tokens < 0 ||
        tokens > core::limits::kMaxTokensPerRequest) {
      throw Error(fmt::format("{}: tokens must be a whole number in [0, {}] (docs/safety.md), got {}", where,
                              core::limits::kMaxTokensPerRequest, core::go::quote(std::string(tokens_text))));
    }
    double probability = 0;
    if (core::go::parse_float(probability_text, probability) != core::go::NumError::kNone ||
        !std::isfinite(probability) || probability < 0) {
      throw Error(fmt::format("{}: probability must be a finite number >= 0, got {}", where,
                              core::go::quote(std::string(probability_text))));
    }
    if (const auto [it, fresh] = line_of.emplace(tokens, line); !fresh) {
      throw Error(fmt::format("{}: {} tokens already has a probability on line {}", where, tokens, it->second));
    }
    if (static_cast<int64_t>(bins.size()) >= core::limits::kMaxEmpiricalBins) {
      throw Error(fmt::format("{}: an empirical PDF may have at most {} bins (docs/safety.md)", where,
                              core::limits::kMaxEmpiricalBins));
    }
    bins.emplace_back(std::to_string(tokens), probability);
  }
  if (bins.empty()) throw Error(fmt::format("{}: no rows (expected tokens,probability)", name));
  return bins;
}

std::vector<std::pair<std::string, double>> read_empirical_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot open {}: {}", path, core::os_error_text(errno)));
  // Read in pieces up to the cap, so a device or an endless pipe cannot exhaust memory.
  std::string text;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (static_cast<int64_t>(text.size()) > core::limits::kMaxEmpiricalFileBytes) {
      throw Error(fmt::format("{}: larger than {} bytes, the limit for an empirical distribution file "
                              "(docs/safety.md)", path, core::limits::kMaxEmpiricalFileBytes));
    }
  }
  if (in.bad()) throw Error(fmt::format("cannot read {}: {}", path, core::os_error_text(errno)));
  return parse_empirical_csv(text, path);
}

}  // namespace blis::workload
