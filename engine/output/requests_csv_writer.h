// The requests CSV (`--requests-csv`, export.requests_csv): one row per request that reached the
// cluster, written when the request reaches its final state (or at the end of the run for one
// still in flight). Columns and units: docs/user-guide.md, "Data out".
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "engine/core/ticks.h"
#include "engine/output/csv_text.h"
#include "engine/request/request.h"

namespace blis::output {

// Where a request's life ended, or stood when the run ended.
enum class Outcome : uint8_t {
  Completed,          // its last token was produced
  Rejected,           // refused by the admission policy
  DroppedUnservable,  // dropped when it reached its instance: it could never fit (or exceeds max_model_len)
  StillQueued,        // in its instance's wait queue at the end (preempted ones included)
  StillRunning,       // in its instance's running batch at the end
  InTransit,          // routed, but its instance had not queued it yet
  AwaitingDecision,   // arrived, but not yet admitted or routed
};

std::string_view outcome_name(Outcome outcome);

// The header row, as written at the top of the file.
extern const std::string_view kRequestsCsvHeader;

class RequestsCsvWriter {
 public:
  static constexpr Tick kNoTime = std::numeric_limits<Tick>::min();

  // Opens the file (throws blis::Error naming it) and writes the header.
  explicit RequestsCsvWriter(const std::string& path);

  // One row; `enqueued` is when the request entered its wait queue, kNoTime if it did not.
  void write(const Request& r, Tick enqueued, Outcome outcome);
  // Publishes the file; throws blis::Error naming it when any write failed.
  void commit() { file_.commit(); }

 private:
  CsvFile file_;
};

}  // namespace blis::output
