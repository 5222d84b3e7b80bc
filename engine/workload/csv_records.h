// An RFC-4180 reader with the rules of Go's encoding/csv (engine-core §9.4): blank lines are
// skipped, "\r\n" is accepted, quoted fields may span lines and escape quotes by doubling, a
// bare quote in an unquoted field is an error, and every record must have as many fields as the
// first one. Errors read like Go's: "parse error on line 3, column 7: bare \" in non-quoted field".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace blis::workload {

// Throws blis::Error (message without the file name; the caller adds it).
std::vector<std::vector<std::string>> read_csv_records(std::string_view text);

}  // namespace blis::workload
