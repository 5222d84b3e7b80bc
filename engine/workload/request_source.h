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

// What a trace v2 row records about a request beside its token counts (§D.16). Labels only:
// the engine never looks at them.
struct RequestLabels {
  std::string client_id, session_id, prefix_group;
  int64_t round_index = 0;
  bool streaming = false;
  int64_t text_tokens = 0, image_tokens = 0, audio_tokens = 0, video_tokens = 0;  // multimodal
  double reason_ratio = 0;
};

// How a request's tokens repeat earlier requests' tokens, as its generator built them, so an
// exported workload can be replayed with the same prefix sharing (trace_export.h). Keys are
// private to one source.
struct SharingHint {
  std::string group;         // the first `group_tokens` input tokens are the group's prefix
  int64_t group_tokens = 0;
  int64_t session = -1;      // the first `session_tokens` tokens are the previous round's
  int64_t session_tokens = 0;  //   sequence (its input, then its output)
  int64_t source_id = -1;    // the first `source_tokens` tokens are those of request `source_id`
  int64_t source_tokens = 0;  //   (its input, then its output): a replayed trace's own record
  bool literal = false;      // explicit token ids: further sharing is not known to the generator
};

struct GeneratedRequest {
  int64_t id = 0;  // the k of "request_<k>" (generation index or CSV data-row index)
  Tick arrival = 0;
  std::vector<kv::Token> input;
  std::vector<kv::Token> output;
  std::string slo_class;
  std::string tenant_id;
  RequestLabels labels;
  SharingHint sharing;

  // Clears everything but the token vectors' capacity, for sources that reuse one request.
  void reset() {
    input.clear();
    output.clear();
    slo_class.clear();
    tenant_id.clear();
    labels = RequestLabels{};
    sharing = SharingHint{};
  }
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
