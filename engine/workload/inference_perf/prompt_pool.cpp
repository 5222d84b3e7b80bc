#include "engine/workload/inference_perf/prompt_pool.h"

#include <span>
#include <utility>

namespace blis::workload::inference_perf {

namespace {

void append_random(int64_t seed, int64_t count, std::vector<kv::Token>& out) {
  if (count <= 0) return;
  const size_t old_size = out.size();
  out.resize(old_size + static_cast<size_t>(count));
  core::GoRand rng(seed);
  rng.fill_intn(kTokenIdRange, std::span<int64_t>(out).subspan(old_size));
}

}  // namespace

PromptPool::PromptPool(const PoolShape& shape, core::GoRand& rng) : shape_(shape) {
  const int64_t prompts = shape.groups * shape.prompts_per_group;
  group_seeds_.reserve(static_cast<size_t>(shape.groups));
  question_seeds_.reserve(static_cast<size_t>(prompts));
  for (int64_t g = 0; g < shape.groups; ++g) {
    group_seeds_.push_back(rng.int63());
    for (int64_t p = 0; p < shape.prompts_per_group; ++p) question_seeds_.push_back(rng.int63());
  }
  // The harness shuffles the generated list once (random.shuffle): a Fisher-Yates shuffle.
  order_.resize(static_cast<size_t>(prompts));
  for (int64_t i = 0; i < prompts; ++i) order_[static_cast<size_t>(i)] = i;
  for (int64_t i = prompts - 1; i > 0; --i) {
    std::swap(order_[static_cast<size_t>(i)], order_[static_cast<size_t>(rng.intn(i + 1))]);
  }
}

int64_t PromptPool::group_of(int64_t slot) const {
  return order_[static_cast<size_t>(slot)] / shape_.prompts_per_group;
}

void PromptPool::append_tokens(int64_t slot, std::vector<kv::Token>& out) const {
  const int64_t prompt = order_[static_cast<size_t>(slot)];
  append_random(group_seeds_[static_cast<size_t>(prompt / shape_.prompts_per_group)], shape_.system_prompt_len, out);
  append_random(question_seeds_[static_cast<size_t>(prompt)], shape_.question_len, out);
}

}  // namespace blis::workload::inference_perf
