// CSV text for the data-out files (engine/output): fields quoted as RFC 4180 says, integers and
// times formatted without locale or floating point, and a buffered sink over the atomic file
// writer, so a row costs a few appends and the file is written in large pieces.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/core/atomic_file.h"
#include "engine/core/ticks.h"

namespace blis::output {

// Appends `field` as one CSV field: as it is, or in double quotes (inner quotes doubled) when it
// holds a comma, a double quote, a CR or an LF, or starts or ends with a space, so any string a
// user wrote (an SLO class, a tenant) reads back as itself.
void append_field(std::string& out, std::string_view field);

// Appends the decimal digits of `v`.
void append_int(std::string& out, int64_t v);

// Appends µs as milliseconds with exactly three decimals: 1234567 -> "1234.567", -5 -> "-0.005".
// Exact: no floating point is involved.
void append_ms(std::string& out, Tick us);

// Appends `v` with `decimals` digits after the point ("%.*f" in the C locale).
void append_fixed(std::string& out, double v, int decimals);

// A CSV file filled row by row: rows are appended to buffer() and end with end_row(); the buffer
// goes to the file whenever it holds 1 MiB, so memory stays bounded whatever the row count.
// The file appears complete at commit() or not at all (core::AtomicFileWriter).
class CsvFile {
 public:
  CsvFile(const std::string& path, std::string_view what);  // throws blis::Error
  std::string& buffer() { return buffer_; }
  void end_row() {
    buffer_.push_back('\n');
    if (buffer_.size() >= kFlushAt) flush();
  }
  // Writes what is buffered and publishes the file; throws blis::Error naming the path.
  void commit();

 private:
  static constexpr size_t kFlushAt = size_t{1} << 20;
  void flush();

  core::AtomicFileWriter file_;
  std::string buffer_;
};

}  // namespace blis::output
