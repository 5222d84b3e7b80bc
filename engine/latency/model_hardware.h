// Inputs of the roofline model: a HuggingFace config.json (engine-core §4.3.1) and one GPU entry
// of a hardware JSON file (§4.3.2).
#pragma once

#include <cstdint>
#include <string>

namespace blis::latency {

struct ModelArchitecture {
  int64_t num_layers = 0;
  int64_t hidden_dim = 0;
  int64_t num_heads = 0;
  int64_t num_kv_heads = 0;   // set to num_heads when the file gives 0 / nothing
  int64_t intermediate_dim = 0;
  int64_t vocab_size = 0;     // read, unused
  double bytes_per_param = 0; // from torch_dtype; 0 when missing/unknown
};

struct HardwareSpec {
  double tflops_peak = 0;
  double bw_peak_tbs = 0;
  double bw_eff_constant = 0;
  double t_overhead_micros = 0;
  double per_layer_overhead = 0;
  double mfu_prefill = 0;
  double mfu_decode = 0;
  double all_reduce_latency = 0;
};

// Reads <folder>/config.json. Throws blis::Error naming the file on I/O or JSON errors.
ModelArchitecture load_model_architecture(const std::string& folder);
// The same from the text of a config.json; `path` names it in messages (the fuzz harness).
ModelArchitecture parse_model_architecture(const std::string& text, const std::string& path);

// Reads the GPU entry `gpu` of a hardware JSON file (keys matched like Go encoding/json:
// exact first, else ASCII case-insensitive; later duplicates win). Throws blis::Error naming
// the file for I/O, JSON or type errors, and for an unknown GPU (listing the sorted names).
HardwareSpec load_hardware_spec(const std::string& path, const std::string& gpu);

}  // namespace blis::latency
