#include "engine/workload/servegen_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "engine/core/error.h"
#include "engine/core/go_strconv.h"
#include "engine/core/json_value.h"
#include "engine/core/os_error.h"
#include "engine/core/ticks.h"
#include "engine/workload/csv_records.h"

namespace blis::workload {

namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot read {}", path.string()));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool parse_float(std::string_view s, double& out) { return core::go::parse_float(s, out) == core::go::NumError::kNone; }

bool in_span(double start_s, const ServeGenSpec& data) {
  if (data.span_start > 0 && start_s < static_cast<double>(data.span_start)) return false;
  if (data.span_end > 0 && !(start_s < static_cast<double>(data.span_end))) return false;
  return true;
}

struct TraceRow {
  double rate = 0, cv = 0;
  std::string pattern;
};

// Names in numeric order: those whose key reads as a number first, by value (equal values,
// e.g. "2" and "02", in byte order), then the others in byte order.
template <class T, class Key>
void sort_numerically(std::vector<T>& items, Key key_of) {
  const auto number = [](const std::string& text, double& value) {
    return !text.empty() && parse_float(text, value) && !std::isnan(value);
  };
  std::sort(items.begin(), items.end(), [&](const T& a, const T& b) {
    const std::string& ka = key_of(a);
    const std::string& kb = key_of(b);
    double va = 0, vb = 0;
    const bool na = number(ka, va), nb = number(kb, vb);
    if (na != nb) return na;
    if (na && va != vb) return va < vb;
    return ka < kb;
  });
}

// The busiest row of the chunk's trace within the span; rate <= 0 never wins.
std::optional<TraceRow> busiest_row(const fs::path& file, const ServeGenSpec& data, const DiagnosticSink& log) {
  std::vector<std::vector<std::string>> records;
  try {
    records = read_csv_records(read_file(file));
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", file.string(), e.what()));
  }
  std::optional<TraceRow> best;
  int64_t skipped = 0;
  for (const auto& row : records) {
    if (row.size() < 4) continue;
    double start = 0, rate = 0, cv = 0;
    if (!parse_float(trim(row[0]), start) || !parse_float(trim(row[1]), rate) || !parse_float(trim(row[2]), cv)) {
      ++skipped;  // a header row, or a malformed one
      continue;
    }
    if (!in_span(start, data) || !(rate > 0)) continue;
    if (!best || rate > best->rate) best = TraceRow{rate, cv, std::string(trim(row[3]))};
  }
  if (skipped > 0) log(LogLevel::Warning, fmt::format("{}: skipped {} row(s) whose numbers did not parse", file.string(), skipped));
  return best;
}

// A Python-dict string "{100: 0.5, 200.0: 3e-2, }" as (token count, probability) bins.
std::vector<std::pair<std::string, double>> parse_pdf(const std::string& text, const std::string& where) {
  const std::string_view s = trim(text);
  if (s.size() < 2 || s.front() != '{' || s.back() != '}') {
    throw Error(fmt::format("{}: a length PDF must look like {{100: 0.5, 200: 0.5}}, got \"{}\"", where, text));
  }
  std::map<int64_t, double> bins;  // a repeated integer key: the last one wins
  std::vector<int64_t> order;
  std::string_view body = s.substr(1, s.size() - 2);
  while (!body.empty()) {
    const size_t comma = body.find(',');
    const std::string_view piece = trim(body.substr(0, comma));
    body = comma == std::string_view::npos ? std::string_view() : body.substr(comma + 1);
    if (piece.empty()) continue;
    const size_t colon = piece.find(':');
    double key = 0, value = 0;
    if (colon == std::string_view::npos || !parse_float(trim(piece.substr(0, colon)), key) ||
        !parse_float(trim(piece.substr(colon + 1)), value)) {
      throw Error(fmt::format("{}: malformed PDF entry \"{}\"", where, piece));
    }
    const int64_t tokens = go_int64(key);
    if (bins.count(tokens) == 0) order.push_back(tokens);
    bins[tokens] = value;
  }
  if (bins.empty()) throw Error(fmt::format("{}: empty length PDF", where));
  std::vector<std::pair<std::string, double>> params;
  for (int64_t tokens : order) params.emplace_back(std::to_string(tokens), bins[tokens]);
  return params;
}

struct LengthPdfs {
  std::vector<std::pair<std::string, double>> input, output;
};

LengthPdfs first_window(const fs::path& file, const ServeGenSpec& data, bool numeric_order, const DiagnosticSink& log) {
  core::JsonValue root;
  try {
    root = core::parse_json(read_file(file));
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", file.string(), e.what()));
  }
  if (root.kind != core::JsonValue::Kind::Object) throw Error(fmt::format("{}: expected a JSON object", file.string()));
  auto windows = root.members;
  if (numeric_order) {
    sort_numerically(windows, [](const auto& w) -> const std::string& { return w.first; });
  } else {
    std::sort(windows.begin(), windows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  // The whole file is decoded before any window is chosen (as json.Unmarshal into a map of
  // string maps does): a badly typed window anywhere is an error; null stands for an empty
  // window or an empty string.
  using Kind = core::JsonValue::Kind;
  for (const auto& [key, window] : windows) {
    if (window.kind == Kind::Null) continue;
    if (window.kind != Kind::Object) throw Error(fmt::format("{}: window \"{}\" is not an object", file.string(), key));
    for (const auto& [field, value] : window.members) {
      if (value.kind != Kind::String && value.kind != Kind::Null) {
        throw Error(fmt::format("{}: window \"{}\" field \"{}\" is not a string", file.string(), key, field));
      }
    }
  }
  for (const auto& [key, window] : windows) {
    double start = 0;
    if (!parse_float(key, start)) {
      log(LogLevel::Warning, fmt::format("{}: skipping non-numeric window \"{}\"", file.string(), key));
      continue;
    }
    if (!in_span(start, data)) continue;
    const std::string* input = nullptr;
    const std::string* output = nullptr;
    for (const auto& [field, value] : window.members) {  // a null window has no members
      if (value.kind == Kind::Null) continue;
      if (field == "input_tokens") input = &value.text;
      if (field == "output_tokens") output = &value.text;
    }
    if (input == nullptr || output == nullptr || input->empty() || output->empty()) continue;
    const std::string where = fmt::format("{} window \"{}\"", file.string(), key);
    return LengthPdfs{parse_pdf(*input, where + " input_tokens"), parse_pdf(*output, where + " output_tokens")};
  }
  throw Error(fmt::format("{}: no window in the span has both input_tokens and output_tokens", file.string()));
}

}  // namespace

std::vector<ClientSpec> load_servegen_clients(const ServeGenSpec& data, const core::Corrections& corrections,
                                              const DiagnosticSink& log) {
  // NOTE (cluster-workload-trace §D.14, NOTE 10): the reference orders chunk files and dataset
  // windows as strings, so chunk-10 comes before chunk-2 and window "100" before "20" (which
  // decides the "first window" taken). Corrected: numeric order.
  const bool numeric_order = corrections.servegen_numeric_order;
  std::vector<std::string> traces;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(data.path, ec)) {
    const std::string name = entry.path().filename().string();
    // The glob chunk-*-trace.csv: the * may match nothing (chunk--trace.csv has the empty id).
    if (name.rfind("chunk-", 0) == 0 && name.size() >= 16 && name.substr(name.size() - 10) == "-trace.csv") {
      traces.push_back(name);
    }
  }
  if (ec) throw Error(fmt::format("cannot read ServeGen data directory {}: {}", data.path, core::os_error_text(ec.value())));
  if (traces.empty()) throw Error(fmt::format("no chunk-*-trace.csv files in {}", data.path));
  const auto chunk_id = [](const std::string& name) { return name.substr(6, name.size() - 6 - 10); };
  if (numeric_order) {
    std::vector<std::pair<std::string, std::string>> keyed;  // (chunk id, file name)
    for (const std::string& name : traces) keyed.emplace_back(chunk_id(name), name);
    sort_numerically(keyed, [](const auto& k) -> const std::string& { return k.first; });
    for (size_t i = 0; i < keyed.size(); ++i) traces[i] = keyed[i].second;
  } else {
    std::sort(traces.begin(), traces.end());  // byte order: chunk-10 before chunk-2
  }
  std::vector<ClientSpec> clients;
  for (const std::string& name : traces) {
    const std::string id = chunk_id(name);
    const auto row = busiest_row(fs::path(data.path) / name, data, log);
    if (!row) continue;
    const LengthPdfs pdfs =
        first_window(fs::path(data.path) / fmt::format("chunk-{}-dataset.json", id), data, numeric_order, log);
    ClientSpec c;
    c.id = "servegen-chunk-" + id;
    c.tenant_id = "chunk-" + id;
    c.rate_fraction = row->rate;
    std::string pattern = row->pattern;
    std::transform(pattern.begin(), pattern.end(), pattern.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (pattern == "gamma" || pattern == "weibull") {
      c.arrival = {pattern, row->cv};
    } else {
      c.arrival = {"poisson", std::nullopt};
    }
    c.input = DistSpec{"empirical", pdfs.input, ""};
    c.output = DistSpec{"empirical", pdfs.output, ""};
    clients.push_back(std::move(c));
  }
  if (clients.empty()) throw Error("no valid chunks found");
  return clients;
}

}  // namespace blis::workload
