// An RFC-4180 reader with the rules of Go's encoding/csv (engine-core §9.4): blank lines are
// skipped, "\r\n" is accepted, quoted fields may span lines and escape quotes by doubling, a
// bare quote in an unquoted field is an error, and every record must have as many fields as the
// first one. Errors read like Go's: "parse error on line 3, column 7: bare \" in non-quoted field".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace blis::workload {

// Record by record, for readers that need each record's line or accept ragged rows. Errors
// are blis::Error without the file name (the caller adds it).
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {}
  // Returns false at end of input.
  bool read_record(std::vector<std::string>& fields);
  // The line the last record started on (1-based).
  int record_line() const { return record_line_; }

 private:
  bool next_line(std::string& line);

  std::string_view text_;
  size_t pos_ = 0;
  int line_number_ = 0;
  int record_line_ = 0;
};

// Every record; each must have as many fields as the first.
std::vector<std::vector<std::string>> read_csv_records(std::string_view text);

}  // namespace blis::workload
