// The prompts inference-perf's shared_prefix data generator sends (kubernetes-sigs/inference-perf,
// inference_perf/datagen/shared_prefix_datagen.py at commit b81afa4, the release behind the
// sim2real A_ runs): for each of num_groups groups one system prompt of system_prompt_len random
// tokens, and for each of its num_prompts_per_group prompts one question of question_len random
// tokens; a prompt is the system prompt followed by the question. The list is shuffled once and
// then reused: request n of a stage sends prompt n mod (groups x prompts), so after the first
// pass every prompt is sent again verbatim (a full prefix-cache hit on a server that kept it).
//
// blis's compact block names these num_unique_system_prompts and num_users_per_system_prompt.
//
// The harness decodes random token ids to text and sends the text, which the server
// re-tokenizes: with Llama-2's tokenizer the real prompts came out about 5% longer than
// system_prompt_len + question_len (575 for 100 + 447). Newer inference-perf releases converge
// the text to the exact length (datagen_utils.py, converge_to_exact_length_text); blis sends the
// exact lengths.
//
// Tokens are not stored: each prompt keeps the seed of its question and each group the seed of
// its system prompt, and the tokens are drawn again when the prompt is sent, so memory grows
// with the number of prompts, not with their lengths.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/core/go_rand.h"
#include "engine/kv/token_digest.h"

namespace blis::workload::inference_perf {

// Token ids are drawn from [0, kTokenIdRange), as the other generated workloads draw them
// (spec_source.cpp).
inline constexpr int64_t kTokenIdRange = 128000;

struct PoolShape {
  int64_t groups = 0, prompts_per_group = 0;
  int64_t system_prompt_len = 0, question_len = 0;
};

class PromptPool {
 public:
  // Draws the seeds and the shuffle from `rng`.
  PromptPool(const PoolShape& shape, core::GoRand& rng);

  int64_t size() const { return static_cast<int64_t>(order_.size()); }
  // The group (system prompt) of the prompt at position `slot` of the shuffled list.
  int64_t group_of(int64_t slot) const;
  // Appends the tokens of the prompt at `slot`: its group's system prompt, then its question.
  void append_tokens(int64_t slot, std::vector<kv::Token>& out) const;
  const PoolShape& shape() const { return shape_; }

 private:
  PoolShape shape_;
  std::vector<int64_t> group_seeds_;
  std::vector<int64_t> question_seeds_;  // by prompt, in generation order (group-major)
  std::vector<int64_t> order_;           // slot -> prompt
};

}  // namespace blis::workload::inference_perf
