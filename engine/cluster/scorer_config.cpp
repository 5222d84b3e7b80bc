#include "engine/cluster/scorer_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/core/error.h"
#include "engine/core/go_strconv.h"
#include "engine/metrics/go_json.h"

namespace blis::cluster {

namespace {

// strings.TrimSpace: ASCII white space is enough for flag text.
std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

const std::vector<std::string>& known_scorer_names() {
  static const std::vector<std::string> kNames = {"kv-utilization", "load-balance", "prefix-affinity", "queue-depth"};
  return kNames;
}

bool is_known_scorer(std::string_view name) {
  const auto& names = known_scorer_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string known_scorer_list() {
  std::string out;
  for (const auto& n : known_scorer_names()) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::vector<ScorerWeight> parse_scorer_config(std::string_view text) {
  std::vector<ScorerWeight> out;
  if (text.empty()) return out;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string_view part = trim(text.substr(start, comma == std::string_view::npos ? text.npos : comma - start));
    const size_t colon = part.find(':');
    if (colon == std::string_view::npos) {
      throw Error(fmt::format("invalid scorer config {} (expected name:weight)", core::go::quote(part)));
    }
    const std::string name(trim(part.substr(0, colon)));
    if (!is_known_scorer(name)) {
      throw Error(fmt::format("unknown scorer {}; valid: {}", core::go::quote(name), known_scorer_list()));
    }
    for (const auto& seen : out) {
      if (seen.name == name) {
        throw Error(fmt::format("duplicate scorer {}; each scorer may appear at most once", core::go::quote(name)));
      }
    }
    const std::string_view weight_text = trim(part.substr(colon + 1));
    double weight = 0;
    if (const auto err = core::go::parse_float(weight_text, weight); err != core::go::NumError::kNone) {
      throw Error(fmt::format("invalid weight for scorer {}: {}", core::go::quote(name),
                              core::go::num_error_text("ParseFloat", weight_text, err)));
    }
    if (!(weight > 0) || std::isinf(weight)) {
      throw Error(fmt::format("scorer {} weight must be a finite positive number, got {}", core::go::quote(name),
                              metrics::go_format_g(weight)));
    }
    out.push_back({name, weight});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace blis::cluster
