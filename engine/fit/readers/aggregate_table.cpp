// Aggregate tables of real latencies (docs/fit-inputs.md, "Aggregate tables"), the shape of the
// sim2real trainval13_ground_truth_aggregates.csv: one row per experiment, stage and metric,
// with the value in ms in actual_ms. Only the columns experiment, stage_index, metric,
// actual_ms and (when present) conflict are read; the others (model, tp, hardware, ...)
// describe the experiment for whoever builds the experiment list.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <utility>

#include "engine/config/scenario_where.h"
#include "engine/core/error.h"
#include "engine/fit/readers/reader_support.h"
#include "engine/fit/readers/readers.h"
#include "engine/workload/csv_records.h"

namespace blis::fit {

namespace {

// More stages than any load generator runs.
constexpr int kMaxStage = 1'000'000;
// How many experiment names an "unknown experiment" message shows.
constexpr size_t kNamesShown = 8;
// Experiment names up to this length get a "did you mean" hint (real ones are under 100).
constexpr size_t kMaxHintedName = 256;

struct TableRow {
  std::string experiment;
  ObservedMetric metric;
  bool conflict = false;
  int line = 0;
};

struct Columns {
  int experiment = -1, stage = -1, metric = -1, actual_ms = -1, conflict = -1;
};

Columns find_columns(const std::vector<std::string>& header, const std::string& origin) {
  Columns c;
  const std::pair<const char*, int*> wanted[] = {{"experiment", &c.experiment},
                                                 {"stage_index", &c.stage},
                                                 {"metric", &c.metric},
                                                 {"actual_ms", &c.actual_ms},
                                                 {"conflict", &c.conflict}};
  for (size_t i = 0; i < header.size(); ++i) {
    for (const auto& [name, index] : wanted) {
      if (header[i] != name) continue;
      if (*index >= 0) throw Error(fmt::format("{}: line 1: column {} appears twice", origin, name));
      *index = static_cast<int>(i);
    }
  }
  for (const auto& [name, index] : wanted) {
    // conflict is optional: a table without it has no disputed values.
    if (*index < 0 && std::string_view(name) != "conflict") {
      throw Error(fmt::format("{}: line 1: no column {} (the header needs experiment, stage_index, metric and "
                              "actual_ms; it has {})",
                              origin, name, fmt::join(header, ",")));
    }
  }
  return c;
}

template <typename T>
bool parse_number(const std::string& text, T& value) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end && !text.empty();
}

TableRow parse_row(const std::vector<std::string>& fields, const Columns& c, const std::string& where) {
  TableRow row;
  row.experiment = fields[static_cast<size_t>(c.experiment)];
  if (row.experiment.empty()) throw Error(fmt::format("{}: the experiment is empty", where));
  const std::string& stage = fields[static_cast<size_t>(c.stage)];
  if (!parse_number(stage, row.metric.stage) || row.metric.stage < kWholeRun || row.metric.stage > kMaxStage) {
    throw Error(fmt::format("{}: stage_index '{}' is not -1 (the whole run) or a stage number 0..{}", where, stage,
                            kMaxStage));
  }
  const std::string& metric = fields[static_cast<size_t>(c.metric)];
  const std::optional<std::string> name = readers::canonical_metric_name(metric);
  if (!name) {
    throw Error(fmt::format("{}: unknown metric '{}'{}: expected <e2e|ttft|itl|tpot>_<mean|p50|median|p90|p95|p99>",
                            where, metric, config::did_you_mean(metric, readers::metric_names())));
  }
  row.metric.name = *name;
  const std::string& ms = fields[static_cast<size_t>(c.actual_ms)];
  if (!parse_number(ms, row.metric.ms) || !std::isfinite(row.metric.ms) || row.metric.ms <= 0) {
    throw Error(fmt::format("{}: actual_ms '{}' is not a finite number of ms > 0", where, ms));
  }
  if (c.conflict >= 0) {
    const std::string& conflict = fields[static_cast<size_t>(c.conflict)];
    if (conflict == "True" || conflict == "true" || conflict == "TRUE" || conflict == "1") {
      row.conflict = true;
    } else if (!(conflict.empty() || conflict == "False" || conflict == "false" || conflict == "FALSE" ||
                 conflict == "0")) {
      throw Error(fmt::format("{}: conflict '{}' is neither True nor False", where, conflict));
    }
  }
  return row;
}

std::vector<TableRow> parse_rows(std::string_view text, const std::string& origin) {
  workload::CsvReader reader(text);
  std::vector<std::string> fields;
  std::vector<TableRow> rows;
  try {
    if (!reader.read_record(fields)) {
      throw Error(fmt::format("{}: empty table (expected a header row naming experiment, stage_index, metric and "
                              "actual_ms)",
                              origin));
    }
    const Columns columns = find_columns(fields, origin);
    const size_t width = fields.size();
    while (reader.read_record(fields)) {
      const std::string where = fmt::format("{}: line {}", origin, reader.record_line());
      if (fields.size() != width) {
        throw Error(fmt::format("{}: {} fields, the header has {}", where, fields.size(), width));
      }
      rows.push_back(parse_row(fields, columns, where));
      rows.back().line = reader.record_line();
    }
  } catch (const Error& e) {
    // The CSV reader's own errors ("parse error on line 3, ...") do not name the file.
    const std::string message = e.what();
    if (message.rfind(origin + ":", 0) == 0) throw;
    throw Error(fmt::format("{}: {}", origin, message));
  }
  return rows;
}

std::vector<std::string> experiments_of(const std::vector<TableRow>& rows) {
  std::vector<std::string> names;
  std::map<std::string, bool> seen;
  for (const TableRow& row : rows) {
    if (seen.emplace(row.experiment, true).second) names.push_back(row.experiment);
  }
  return names;
}

// The names sharing the longest beginning with `given` (experiment names start with an id or
// a date, then the model), at most kNamesShown, in file order among equals.
std::vector<std::string> near_names(const std::string& given, const std::vector<std::string>& names) {
  std::vector<std::pair<size_t, size_t>> scored;  // (shared prefix length, file position)
  for (size_t i = 0; i < names.size(); ++i) {
    const auto [a, b] = std::mismatch(given.begin(), given.end(), names[i].begin(), names[i].end());
    scored.emplace_back(static_cast<size_t>(a - given.begin()), i);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
  std::vector<std::string> out;
  for (size_t i = 0; i < scored.size() && i < kNamesShown; ++i) out.push_back(names[scored[i].second]);
  return out;
}

}  // namespace

std::vector<std::string> parse_aggregate_table_experiments(std::string_view text, const std::string& origin) {
  return experiments_of(parse_rows(text, origin));
}

Measurement parse_aggregate_table(std::string_view text, const std::string& origin, const std::string& experiment) {
  const std::vector<TableRow> rows = parse_rows(text, origin);
  Measurement m;
  m.source = origin;
  std::map<std::pair<int, std::string>, const TableRow*> taken;
  int found = 0, disputed = 0;
  for (const TableRow& row : rows) {
    if (row.experiment != experiment) continue;
    ++found;
    if (row.conflict) {
      ++disputed;
      continue;
    }
    const auto [it, added] = taken.emplace(std::make_pair(row.metric.stage, row.metric.name), &row);
    if (added) {
      m.metrics.push_back(row.metric);
    } else if (it->second->metric.ms != row.metric.ms) {
      throw Error(fmt::format("{}: lines {} and {} give {} of stage {} of {} differently ({} and {} ms); mark the "
                              "one that is not a measurement with conflict=True",
                              origin, it->second->line, row.line, row.metric.name, row.metric.stage, experiment,
                              it->second->metric.ms, row.metric.ms));
    }
  }
  if (found == 0) {
    const std::vector<std::string> names = experiments_of(rows);
    if (names.empty()) throw Error(fmt::format("{}: no experiment {}: the table has no rows", origin, experiment));
    // The edit distance behind the hint costs |given| x |name| memory: only for names of a sane length.
    const std::string hint = experiment.size() <= kMaxHintedName ? config::did_you_mean(experiment, names) : "";
    throw Error(fmt::format("{}: no experiment {}{}; near names among its {} experiments: {}", origin, experiment,
                            hint, names.size(),
                            fmt::join(near_names(experiment, names), ", ")));
  }
  if (m.metrics.empty()) {
    throw Error(fmt::format("{}: every row of experiment {} ({}) is marked conflict=True: nothing to fit against",
                            origin, experiment, disputed));
  }
  return m;
}

Measurement read_aggregate_table(const std::string& csv_path, const std::string& experiment) {
  Measurement m = parse_aggregate_table(readers::read_input_file(csv_path, "aggregate table"), csv_path, experiment);
  m.source = csv_path;
  return m;
}

std::vector<std::string> aggregate_table_experiments(const std::string& csv_path) {
  return parse_aggregate_table_experiments(readers::read_input_file(csv_path, "aggregate table"), csv_path);
}

}  // namespace blis::fit
