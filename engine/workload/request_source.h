// Where requests come from: a pull-based stream in arrival order (time, then generation order),
// so a 100k-request run holds only the requests in flight. Generation draws from its own RNG
// stream only, so generating lazily gives the same requests as generating up front.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/core/ticks.h"
#include "engine/kv/token_digest.h"

namespace blis::workload {

struct GeneratedRequest {
  int64_t id = 0;  // the k of "request_<k>" (generation index or CSV data-row index)
  Tick arrival = 0;
  std::vector<kv::Token> input;
  std::vector<kv::Token> output;
  std::string slo_class;
  std::string tenant_id;
};

class RequestSource {
 public:
  virtual ~RequestSource() = default;
  // Fills `out` with the next request; false when the workload is exhausted.
  virtual bool next(GeneratedRequest& out) = 0;
};

// A workload defined outside the engine (a scenario's Lua generator): opened once per run with
// the run's seed, it yields a RequestSource. Errors are blis::Error.
class ExternalWorkload {
 public:
  virtual ~ExternalWorkload() = default;
  virtual std::unique_ptr<RequestSource> open(int64_t seed) = 0;
};

}  // namespace blis::workload
