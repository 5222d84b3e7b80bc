// The reference's CSV trace workload (engine-core §9.4): header row, then rows of
// arrival-seconds, two ignored columns, and JSON integer arrays of prompt and output tokens.
#pragma once

#include <string>

#include "engine/workload/request_source.h"

namespace blis::workload {

class CsvTraceSource final : public RequestSource {
 public:
  // Reads the whole file; rows stop at the first arrival past the horizon. Throws blis::Error
  // naming the file and the row for any malformed input.
  CsvTraceSource(const std::string& path, Tick horizon);
  bool next(GeneratedRequest& out) override;

 private:
  std::vector<GeneratedRequest> rows_;  // in arrival order, row order among equal times
  size_t cursor_ = 0;
};

}  // namespace blis::workload
