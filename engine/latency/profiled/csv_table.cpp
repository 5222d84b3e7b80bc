#include "engine/latency/profiled/csv_table.h"

#include <zlib.h>

#include <charconv>
#include <cmath>
#include <fmt/format.h>

#include "engine/core/error.h"

namespace blis::latency::profiled {

std::string read_maybe_gzipped(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) throw Error(fmt::format("{}: cannot open the profile table", path));
  std::string text;
  char buf[1 << 16];
  for (;;) {
    const int n = gzread(f, buf, sizeof buf);
    if (n < 0) {
      int code = 0;
      const std::string why = gzerror(f, &code);
      gzclose(f);
      throw Error(fmt::format("{}: cannot read the profile table ({})", path, why));
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  gzclose(f);
  return text;
}

namespace {

// Splits one line on commas, keeping each field's 1-based starting column for messages.
std::vector<std::pair<std::string, int>> split_fields(const std::string& line) {
  std::vector<std::pair<std::string, int>> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    const std::size_t end = comma == std::string::npos ? line.size() : comma;
    out.emplace_back(line.substr(start, end - start), static_cast<int>(start) + 1);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

CsvTable read_csv_table(const std::string& path, const std::vector<std::string>& expected_columns, bool labelled) {
  const std::string text = read_maybe_gzipped(path);
  CsvTable table;
  table.path = path;
  std::size_t pos = 0;
  int line_no = 0;
  bool header_seen = false;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto fields = split_fields(line);
    if (!header_seen) {
      std::vector<std::string> names;
      for (const auto& [name, col] : fields) names.push_back(name);
      if (names != expected_columns) {
        throw Error(fmt::format("{}:{}:1: header is \"{}\", expected \"{}\"", path, line_no, line,
                                fmt::join(expected_columns, ",")));
      }
      for (std::size_t i = labelled ? 1 : 0; i < names.size(); ++i) table.columns.push_back(names[i]);
      header_seen = true;
      continue;
    }
    if (fields.size() != expected_columns.size()) {
      throw Error(fmt::format("{}:{}:1: {} fields, expected {} ({})", path, line_no, fields.size(),
                              expected_columns.size(), fmt::join(expected_columns, ",")));
    }
    CsvRow row;
    row.line = line_no;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const auto& [field, col] = fields[i];
      if (labelled && i == 0) {
        if (field.empty()) throw Error(fmt::format("{}:{}:{}: empty {}", path, line_no, col, expected_columns[0]));
        row.label = field;
        continue;
      }
      double v = 0;
      const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
      if (ec != std::errc() || end != field.data() + field.size() || field.empty()) {
        throw Error(fmt::format("{}:{}:{}: {} \"{}\" is not a number", path, line_no, col, expected_columns[i], field));
      }
      if (!std::isfinite(v) || v < 0) {
        throw Error(fmt::format("{}:{}:{}: {} {} must be finite and >= 0", path, line_no, col, expected_columns[i], field));
      }
      row.values.push_back(v);
    }
    table.rows.push_back(std::move(row));
  }
  if (!header_seen) throw Error(fmt::format("{}:1:1: empty table, expected the header \"{}\"", path,
                                            fmt::join(expected_columns, ",")));
  if (table.rows.empty()) throw Error(fmt::format("{}:{}:1: no measurements after the header", path, line_no));
  return table;
}

}  // namespace blis::latency::profiled
