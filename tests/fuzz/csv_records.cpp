// The RFC-4180 reader with Go's encoding/csv rules (engine/workload/csv_records): record by
// record (ragged rows allowed), then the whole-file form that requires equal field counts.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/error.h"
#include "engine/workload/csv_records.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    blis::workload::CsvReader reader(text);
    std::vector<std::string> fields;
    while (reader.read_record(fields)) (void)reader.record_line();
  } catch (const blis::Error&) {
  }
  try {
    (void)blis::workload::read_csv_records(text);
  } catch (const blis::Error&) {
  }
  return 0;
}
