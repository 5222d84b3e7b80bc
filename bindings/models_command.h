// `blis models [--format table|json] [--catalog DIR]`: the model catalog (model_configs/hf), one
// row per config.json with the shape the physics model and the KV sizing read from it: dense or
// MoE, layers, widths, attention heads, parameters (total and active per token), precision and KV
// bytes per token. `blis model-info CONFIG.json` shows one model in full, with the derivation.
#pragma once

#include <string>
#include <vector>

namespace blis::bindings {

// The text to print on stdout. Throws blis::Error for bad arguments, a missing catalog folder
// and any config.json that does not read (naming the file and key).
std::string models_command(const std::vector<std::string>& args);

std::string models_help();

}  // namespace blis::bindings
