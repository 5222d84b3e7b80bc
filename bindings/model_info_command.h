// `blis model-info CONFIG.json [flags]`: what blis reads from a HuggingFace config.json (the
// shape the physics latency model uses), its parameter counts, bytes per GPU, KV bytes per token
// and, given the GPU memory, the KV block count vLLM would allocate
// (engine/latency/physics/{model_shape,model_costs,kv_capacity}.h).
#pragma once

#include <string>
#include <vector>

namespace blis::bindings {

// The report printed on stdout. Throws blis::Error for bad flags or a bad config (the message
// names the file and the key).
std::string model_info_command(const std::vector<std::string>& args);

std::string model_info_help();

}  // namespace blis::bindings
