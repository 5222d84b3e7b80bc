// What a run is, in words a person reads in the report's header (docs/output.md): which model on
// which hardware, which latency model and where its coefficients came from, how the KV cache was
// sized. Filled by resolve() as it decides each of these, so the header never guesses.
#pragma once

#include <cstdint>
#include <string>

namespace blis::config {

struct RunDescription {
  std::string gpu;            // "H100", "" when the latency model needs none (blackbox by flags)
  int64_t dp = 1, ep = 1;     // physics only
  std::string latency_model;  // "blackbox", "roofline", "physics", "profiled"
  // Where the step-time coefficients came from: "defaults.yaml (H100, TP 1, vllm/vllm-openai:v0.8.4)",
  // "model.alpha / model.beta", "model_configs/physics/default.yaml (fitted on ...)", a profile folder.
  std::string coefficients;
  std::string kv_blocks_source;  // "given", "derived as vLLM sizes it", "<defaults file>", "default"
};

}  // namespace blis::config
