// One request as the engine tracks it (engine-core §2). Requests live in the cluster's arena
// and are referred to by index; the index k is also the reference's id "request_<k>".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/ticks.h"
#include "engine/kv/token_digest.h"
#include "engine/request/decode_stints.h"

namespace blis {

enum class RequestState : uint8_t { Queued, Running, Completed };

using RequestIndex = int32_t;

inline std::string request_id(int64_t index) { return "request_" + std::to_string(index); }

struct Request {
  RequestIndex index = 0;
  Tick arrival = 0;
  std::vector<kv::Token> input;   // released when the request completes
  std::vector<kv::Token> output;  // released when the request completes
  int64_t input_len = 0;          // L, kept after the tokens are released
  int64_t output_len = 0;         // N
  std::string slo_class;          // metadata only (workload specs); never affects the engine
  std::string tenant_id;

  RequestState state = RequestState::Queued;
  int64_t progress = 0;           // ProgressIndex
  int64_t num_new_tokens = 0;     // tokens given in the last step it was scheduled in (may be stale)
  int64_t computed = 0;           // batch former's computed-token count (incl. cache hits)
  int64_t progress_high_water = 0;  // the furthest `progress` ever got (the no-progress watch)
  // Corrected preemption (preempt_resumes_from_reached): the tokens a resumed request recomputes
  // as its prefill (prompt + generated, as vLLM's num_tokens), 0 when never preempted; and how
  // far its KV is allocated while a recompute chunk spans prompt and output (instance/resume.cpp).
  int64_t resume_len = 0;
  int64_t kv_split_to = 0;
  double priority = 0;
  int64_t scheduled_step = 0;
  int64_t finished_step = 0;
  int32_t instance = -1;          // AssignedInstance (index), -1 before routing

  // Metrics (engine-core §2.4, §7.1); "has_" flags mirror membership of the reference's maps.
  bool registered = false;        // has a per-request results record (injected, not dropped)
  bool has_ttft = false;
  bool has_scheduling_delay = false;
  bool completed = false;
  Tick first_token_time = 0;      // TTFT, relative to arrival
  Tick scheduling_delay = 0;
  Tick e2e = 0;
  double tpot = 0;                // per-request ITL: (E2E - TTFT) / max(N-1, 1)
  DecodeStints decode_stints;    // where its ITL entries are in its instance's step log

  kv::PrefixDigests prefix_digests;
};

}  // namespace blis
