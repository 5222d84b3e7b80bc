#include "engine/workload/csv_records.h"

#include <fmt/format.h>

#include "engine/core/error.h"

namespace blis::workload {

bool CsvReader::next_line(std::string& line) {
  while (pos_ < text_.size()) {
    const size_t end = text_.find('\n', pos_);
    const size_t stop = end == std::string_view::npos ? text_.size() : end;
    line.assign(text_.substr(pos_, stop - pos_));
    pos_ = end == std::string_view::npos ? text_.size() : end + 1;
    ++line_number_;
    if (!line.empty() && line.back() == '\r' && end != std::string_view::npos) line.pop_back();
    return true;
  }
  return false;
}

bool CsvReader::read_record(std::vector<std::string>& fields) {
  std::string line;
  do {
    if (!next_line(line)) return false;
  } while (line.empty());  // blank lines are skipped and consume no record number
  record_line_ = line_number_;
  fields.clear();
  size_t i = 0;
  while (true) {
    std::string field;
    if (i < line.size() && line[i] == '"') {
      ++i;
      const int start_line = line_number_;
      while (true) {
        const size_t q = line.find('"', i);
        if (q == std::string::npos) {
          field.append(line, i, std::string::npos);
          std::string more;
          if (!next_line(more)) {
            throw Error(fmt::format("parse error on line {}, column {}: extraneous or missing \" in quoted-field",
                                    start_line, line.size() + 1));
          }
          field.push_back('\n');
          line = more;
          i = 0;
          continue;
        }
        field.append(line, i, q - i);
        i = q + 1;
        if (i < line.size() && line[i] == '"') {
          field.push_back('"');
          ++i;
          continue;
        }
        if (i == line.size()) break;
        if (line[i] == ',') break;
        throw Error(fmt::format("parse error on line {}, column {}: extraneous or missing \" in quoted-field",
                                line_number_, i + 1));
      }
      fields.push_back(std::move(field));
      if (i == line.size()) break;
      ++i;  // the comma
      if (i == line.size()) {  // trailing comma: one more empty field
        fields.emplace_back();
        break;
      }
    } else {
      const size_t comma = line.find(',', i);
      const size_t stop = comma == std::string::npos ? line.size() : comma;
      const size_t quote = line.find('"', i);
      if (quote != std::string::npos && quote < stop) {
        throw Error(fmt::format("parse error on line {}, column {}: bare \" in non-quoted field", line_number_,
                                quote + 1));
      }
      fields.emplace_back(line.substr(i, stop - i));
      if (comma == std::string::npos) break;
      i = comma + 1;
      if (i == line.size()) {
        fields.emplace_back();
        break;
      }
    }
  }
  return true;
}


std::vector<std::vector<std::string>> read_csv_records(std::string_view text) {
  CsvReader parser(text);
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> fields;
  while (parser.read_record(fields)) {
    if (!records.empty() && fields.size() != records.front().size()) {
      throw Error(fmt::format("record on line {}: wrong number of fields", parser.record_line()));
    }
    records.push_back(fields);
  }
  return records;
}

}  // namespace blis::workload
