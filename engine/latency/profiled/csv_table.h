// Reads one numeric table of a layer-wise profile (CSV, or gzip'd CSV when the name ends in .gz):
// a header line naming the columns, then rows of numbers, with an optional leading text column
// (the layer name of dense.csv / per_sequence.csv). Every error names file:line:column.
#pragma once

#include <string>
#include <vector>

namespace blis::latency::profiled {

struct CsvRow {
  int line = 0;               // 1-based line in the file, for later messages
  std::string label;          // the text column when the table has one, else empty
  std::vector<double> values; // the numeric columns, in header order
};

struct CsvTable {
  std::string path;
  std::vector<std::string> columns;  // numeric column names (the label column excluded)
  std::vector<CsvRow> rows;
};

// Reads `path`, requiring exactly `expected_columns` as the header (the first one is a text
// label column when `labelled`). Throws blis::Error "<path>:<line>:<column>: ..." on a missing
// file, a header that differs, a wrong field count, a non-number or a negative/non-finite value.
CsvTable read_csv_table(const std::string& path, const std::vector<std::string>& expected_columns, bool labelled);

// The whole text of a plain or gzip'd file (zlib's gzread reads both). Throws blis::Error.
std::string read_maybe_gzipped(const std::string& path);

}  // namespace blis::latency::profiled
