// The file of an empirical length distribution (`empirical: {file: F}` in a WorkloadSpec). The
// reference accepts the key and never reads it (cluster-workload-trace §D.6, NOTE 4); with the
// empirical_file_read correction blis reads it. Format: CSV rows `tokens,probability`, an
// optional header row `tokens,probability`, blank lines skipped (the RFC-4180 reader of
// csv_records.h). The rows become the distribution's bins, exactly as `params` would.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace blis::workload {

// (token count as decimal text, probability) in file order. Throws blis::Error naming `name`
// and the line: a row without exactly two fields, a token count that is not a whole number in
// [0, the per-request token cap], a probability that is not a finite number >= 0, a repeated
// token count, more bins than the cap, no rows at all.
std::vector<std::pair<std::string, double>> parse_empirical_csv(std::string_view text, const std::string& name);

// Reads `path` (at most kMaxEmpiricalFileBytes) and parses it. Throws blis::Error naming the
// file when it cannot be read or is too large.
std::vector<std::pair<std::string, double>> read_empirical_file(const std::string& path);

}  // namespace blis::workload
