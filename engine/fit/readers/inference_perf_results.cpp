// inference-perf's lifecycle metrics (docs/fit-inputs.md, "inference-perf result folders"): the
// files report/request_lifecycle writes per stage and for the whole run. Their latencies are
// seconds over the successful requests only (the `successes` block); failed requests have
// their own block, whose request_latency is the time until the failure, not a serving latency,
// so it is never read.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <utility>

#include "engine/core/error.h"
#include "engine/core/json_value.h"
#include "engine/fit/readers/reader_support.h"
#include "engine/fit/readers/readers.h"

namespace blis::fit {

namespace {

namespace fs = std::filesystem;
using core::JsonValue;
using Kind = JsonValue::Kind;

constexpr const char* kSummaryFile = "summary_lifecycle_metrics.json";
// More stages than any load generator runs: a larger number in a file name is a typo.
constexpr int kMaxStage = 1'000'000;

// inference-perf's latency blocks and the quantity each measures.
constexpr std::pair<const char*, const char*> kBlocks[] = {
    {"request_latency", "e2e"},
    {"time_to_first_token", "ttft"},
    {"inter_token_latency", "itl"},
    {"time_per_output_token", "tpot"},
};
// Its statistic keys and their names in a Measurement.
constexpr std::pair<const char*, const char*> kStats[] = {
    {"mean", "mean"}, {"median", "p50"}, {"p90", "p90"}, {"p95", "p95"}, {"p99", "p99"},
};

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::Null: return "null";
    case Kind::Bool: return "a boolean";
    case Kind::Number: return "a number";
    case Kind::String: return "a string";
    case Kind::Array: return "an array";
    case Kind::Object: return "an object";
  }
  return "a value";
}

// The member `key` of an object, nullptr when absent or null. A repeated key: the last one,
// as Python's json module (which inference-perf's readers use) decodes it.
const JsonValue* member(const JsonValue& object, const char* key) {
  const JsonValue* found = nullptr;
  for (const JsonValue::Member& m : object.members) {
    if (m.first == key) found = &m.second;
  }
  return found != nullptr && found->kind != Kind::Null ? found : nullptr;
}

// `member` that must be an object when present.
const JsonValue* object_member(const JsonValue& object, const char* key, const std::string& path,
                               const std::string& origin) {
  const JsonValue* v = member(object, key);
  if (v != nullptr && v->kind != Kind::Object) {
    throw Error(fmt::format("{}: {} is {}, expected an object", origin, path, kind_name(v->kind)));
  }
  return v;
}

std::string results_folder_of(const std::string& folder) {
  std::error_code ec;
  if (!fs::exists(folder, ec)) throw Error(fmt::format("inference-perf results folder {} does not exist", folder));
  if (!fs::is_directory(folder, ec)) {
    throw Error(fmt::format("{} is not a folder: expected an inference-perf experiment folder or its results/ folder",
                            folder));
  }
  const fs::path root(folder);
  if (fs::is_regular_file(root / "results" / kSummaryFile, ec)) return (root / "results").string();
  if (fs::is_regular_file(root / kSummaryFile, ec)) return root.string();
  throw Error(fmt::format("{}: no inference-perf results: expected {} (or {} in the folder itself)", folder,
                          (root / "results" / kSummaryFile).string(), kSummaryFile));
}

// stage_N_lifecycle_metrics.json -> N; nothing for other names.
std::optional<int> stage_of(const std::string& name, const std::string& folder) {
  const std::string prefix = "stage_", suffix = "_lifecycle_metrics.json";
  if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return std::nullopt;
  }
  const std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  if (digits.size() > 7 || std::stoi(digits) > kMaxStage) {
    throw Error(fmt::format("{}/{}: stage number {} is above {}", folder, name, digits, kMaxStage));
  }
  return std::stoi(digits);
}

}  // namespace

void append_lifecycle_metrics(std::string_view json_text, const std::string& origin, int stage,
                              std::vector<ObservedMetric>& out) {
  JsonValue root;
  try {
    root = core::parse_json(json_text);
  } catch (const Error& e) {
    throw Error(fmt::format("{}: invalid JSON: {}", origin, e.what()));
  }
  if (root.kind != Kind::Object) {
    throw Error(fmt::format("{}: the top level is {}, expected an object of lifecycle metrics", origin,
                            kind_name(root.kind)));
  }
  const JsonValue* successes = object_member(root, "successes", "successes", origin);
  if (successes == nullptr) return;
  const JsonValue* latency = object_member(*successes, "latency", "successes.latency", origin);
  if (latency == nullptr) return;
  for (const auto& [block, quantity] : kBlocks) {
    const std::string block_path = fmt::format("successes.latency.{}", block);
    const JsonValue* stats = object_member(*latency, block, block_path, origin);
    if (stats == nullptr) continue;
    for (const auto& [key, statistic] : kStats) {
      const JsonValue* v = member(*stats, key);
      if (v == nullptr) continue;
      const std::string path = fmt::format("{}.{}", block_path, key);
      if (v->kind != Kind::Number) {
        throw Error(fmt::format("{}: {} is {}, expected a number of seconds", origin, path, kind_name(v->kind)));
      }
      if (!std::isfinite(v->number) || v->number < 0) {
        throw Error(fmt::format("{}: {} is {}, expected a finite number of seconds >= 0", origin, path, v->text));
      }
      out.push_back({stage, fmt::format("{}_{}", quantity, statistic), v->number * 1000});
    }
  }
}

Measurement read_inference_perf_results(const std::string& folder) {
  const std::string results = results_folder_of(folder);
  std::map<int, std::string> stage_files;  // ordered by stage number
  std::error_code ec;
  for (fs::directory_iterator it(results, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const std::optional<int> stage = stage_of(name, results);
    if (!stage) continue;
    const auto [previous, added] = stage_files.emplace(*stage, it->path().string());
    if (!added) {
      throw Error(fmt::format("{}: two files for stage {}: {} and {}", results, *stage, previous->second, name));
    }
  }
  if (ec) throw Error(fmt::format("cannot list inference-perf results folder {}: {}", results, ec.message()));

  Measurement m;
  m.source = folder;
  const std::string summary = (fs::path(results) / kSummaryFile).string();
  append_lifecycle_metrics(readers::read_input_file(summary, "inference-perf lifecycle metrics"), summary, kWholeRun,
                           m.metrics);
  for (const auto& [stage, path] : stage_files) {
    append_lifecycle_metrics(readers::read_input_file(path, "inference-perf lifecycle metrics"), path, stage,
                             m.metrics);
  }
  if (m.metrics.empty()) {
    throw Error(fmt::format("{}: no latency metrics in {} or its stage files (no successful requests?)", folder,
                            summary));
  }
  return m;
}

}  // namespace blis::fit
