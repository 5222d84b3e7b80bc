#include "engine/config/scenario_where.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "engine/core/error.h"

namespace blis::config {

namespace {

// Optimal string alignment distance, as blis.util.edit_distance computes it for schema keys.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::string ScenarioSpec::site_of(std::string_view key) const {
  std::string k(key);
  while (true) {
    if (const auto it = key_sites.find(k); it != key_sites.end()) return it->second;
    if (k.empty()) return origin;
    const size_t dot = k.rfind('.');
    k = dot == std::string::npos ? std::string() : k.substr(0, dot);  // the enclosing key, then the call
  }
}

void reject(const ScenarioSpec& spec, std::string_view key, const std::string& flag_message,
            const std::string& problem) {
  if (spec.from_flags()) throw Error(flag_message);
  throw Error(fmt::format("{}: scenario key '{}' {}", spec.site_of(key), key, problem));
}

std::string did_you_mean(std::string_view given, const std::vector<std::string>& names) {
  const std::optional<std::string> best = closest_name(given, names);
  return best ? fmt::format(" (did you mean '{}'?)", *best) : "";
}

std::optional<std::string> closest_name(std::string_view given, const std::vector<std::string>& names) {
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  const std::string* best = nullptr;
  size_t best_distance = 0;
  for (const std::string& name : sorted) {
    const size_t d = edit_distance(given, name);
    const size_t shorter = std::min(given.size(), name.size());
    bool close = given.size() > 0 && name.size() > 0 && d <= std::min<size_t>({2, given.size() - 1, name.size() - 1});
    if (!close && shorter >= 3 && given.substr(0, shorter) == std::string_view(name).substr(0, shorter)) close = true;
    if (close && (best == nullptr || d < best_distance)) {
      best = &name;
      best_distance = d;
    }
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

}  // namespace blis::config
