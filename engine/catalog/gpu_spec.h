// One GPU of the hardware catalog (model_configs/gpus.yaml), in the units vendors publish. The
// physics latency model and the vLLM-style KV sizing read these; the reference's roofline model
// keeps its own hardware JSON (engine/latency/model_hardware.h) and never sees this struct.
#pragma once

#include <string>
#include <vector>

namespace blis::catalog {

struct GpuSpec {
  std::string name;                  // canonical catalog name, e.g. "H100-SXM"
  std::vector<std::string> aliases;  // other spellings accepted by --hardware, e.g. "H100"
  double memory_gib = 0;             // HBM/GDDR capacity per GPU, GiB
  double cuda_memory_gib = 0;        // what CUDA reports (torch.cuda.mem_get_info()[1]), GiB: the
                                     // "total GPU memory" vLLM sizes its KV cache from
  double bf16_tflops = 0;            // dense (no sparsity) BF16 tensor TFLOP/s
  double fp8_tflops = 0;             // dense FP8 tensor TFLOP/s; 0 = no FP8 tensor cores
  double memory_bandwidth_tbs = 0;   // peak memory bandwidth, TB/s (10^12 B/s)
  double interconnect_gbs = 0;       // GPU-to-GPU bandwidth per direction, GB/s (NVLink/xGMI,
                                     // or PCIe when the part has no NVLink)
  double host_link_gbs = 0;          // host-to-GPU bandwidth per direction, GB/s (PCIe/C2C)
  double collective_gbs = 0;         // what one message of a TP/EP collective moves at, per
                                     // direction, GB/s (the beta of the alpha-beta model)
  double link_latency_us = 0;        // one GPU-to-GPU message's latency as a collective step
                                     // sees it, µs (the alpha of the alpha-beta model)
  double usd_per_hour = 0;           // on-demand list price of one GPU-hour, US$; 0 = no price in
                                     // the catalog (optional: blis search's lowest_cost objective
                                     // reads it, and a search's `prices` overrides it)
  std::string source;                // where the figures come from (datasheet name and year)
};

}  // namespace blis::catalog
