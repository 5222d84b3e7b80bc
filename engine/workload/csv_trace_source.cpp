#include "engine/workload/csv_trace_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "engine/core/error.h"
#include "engine/core/go_strconv.h"
#include "engine/core/json_value.h"
#include "engine/core/os_error.h"
#include "engine/workload/csv_records.h"

namespace blis::workload {

namespace {

std::vector<kv::Token> parse_token_array(const std::string& text, const char* what, size_t row) {
  core::JsonValue value;
  try {
    value = core::parse_json(text);
  } catch (const Error& e) {
    throw Error(fmt::format("failed to parse {} at row {}: {}", what, row, e.what()));
  }
  std::vector<kv::Token> tokens;
  if (value.kind == core::JsonValue::Kind::Null) return tokens;
  if (value.kind != core::JsonValue::Kind::Array) {
    throw Error(fmt::format("failed to parse {} at row {}: expected a JSON array of integers", what, row));
  }
  tokens.reserve(value.items.size());
  for (const auto& item : value.items) {
    if (item.kind == core::JsonValue::Kind::Null) {  // encoding/json leaves a null element at 0
      tokens.push_back(0);
      continue;
    }
    if (item.kind != core::JsonValue::Kind::Number || !item.is_integer_literal()) {
      throw Error(fmt::format("failed to parse {} at row {}: json: cannot unmarshal {} into Go value of type int",
                              what, row, item.kind == core::JsonValue::Kind::Number ? "number " + item.text : "non-number"));
    }
    int64_t v = 0;
    if (core::go::parse_int(item.text, v) != core::go::NumError::kNone) {
      throw Error(fmt::format("failed to parse {} at row {}: json: cannot unmarshal number {} into Go value of type int",
                              what, row, item.text));
    }
    tokens.push_back(v);
  }
  return tokens;
}

}  // namespace

CsvTraceSource::CsvTraceSource(const std::string& path, Tick horizon) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("failed to open csv file: open {}: {}", path, core::os_error_text(errno)));
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  // Read record by record, as the reference does: rows after the first one past the horizon are
  // never looked at, so a malformed row there is not an error (engine-core §9.4).
  CsvReader reader(text);
  std::vector<std::string> fields;
  try {
    try {
      if (!reader.read_record(fields)) throw Error("EOF");
    } catch (const Error& e) {
      throw Error(fmt::format("failed to read csv header: {}", e.what()));
    }
    const size_t header_fields = fields.size();
    for (size_t row = 0;; ++row) {
      try {
        if (!reader.read_record(fields)) break;
        if (fields.size() != header_fields) {
          throw Error(fmt::format("record on line {}: wrong number of fields", reader.record_line()));
        }
      } catch (const Error& e) {
        throw Error(fmt::format("error reading csv at row {}: {}", row, e.what()));
      }
      if (fields.size() < 5) {
        throw Error(fmt::format("csv row {} has {} columns, expected at least 5", row, fields.size()));
      }
      double seconds = 0;
      if (const auto e = core::go::parse_float(fields[0], seconds); e != core::go::NumError::kNone) {
        throw Error(fmt::format("invalid arrival time at row {}: {}", row,
                                core::go::num_error_text("ParseFloat", fields[0], e)));
      }
      GeneratedRequest r;
      r.id = static_cast<int64_t>(row);
      r.arrival = seconds_to_ticks(seconds);
      if (r.arrival > horizon) break;  // later rows are ignored even if earlier in time
      r.input = parse_token_array(fields[3], "prefill_tokens", row);
      r.output = parse_token_array(fields[4], "decode_tokens", row);
      r.sharing.literal = true;
      rows_.push_back(std::move(r));
    }
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", path, e.what()));
  }
  // The control plane orders arrivals by (time, push order): a stable sort by time.
  std::stable_sort(rows_.begin(), rows_.end(),
                   [](const GeneratedRequest& a, const GeneratedRequest& b) { return a.arrival < b.arrival; });
}

bool CsvTraceSource::next(GeneratedRequest& out) {
  if (cursor_ >= rows_.size()) return false;
  out = std::move(rows_[cursor_++]);
  return true;
}

}  // namespace blis::workload
