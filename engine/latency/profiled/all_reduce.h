// The tensor-parallel all-reduce of the profiled model, priced the way LLMServingSim's ASTRA-Sim
// backend prices it (astra-sim/system/collective/Ring.cc; the analytical congestion-unaware
// network on a FullyConnected topology that serving/core/config_builder.py writes): a ring
// all-reduce over N ranks sends 2 * (N - 1) messages of bytes / N in sequence, and each message
// costs the link latency plus its bytes over the link bandwidth.
//
// The layer-wise profiles leave the collectives out on purpose (profiler/core/engine.py measures
// every TP degree on one GPU with per-rank shapes), so the all-reduce is added here.
#pragma once

#include <cstdint>

namespace blis::latency::profiled {

// LLMServingSim's cluster config of the published RTX PRO 6000 / RTX 4090 runs
// (bench/examples/*/config.json: link_bw 16 GB/s, link_latency 20000 ns).
inline constexpr double kDefaultLinkBandwidthGBps = 16.0;
inline constexpr double kDefaultLinkLatencyUs = 20.0;

struct RingAllReduce {
  int64_t ranks = 1;
  double link_bandwidth_gbps = kDefaultLinkBandwidthGBps;  // GB/s = 1e3 bytes per microsecond
  double link_latency_us = kDefaultLinkLatencyUs;

  double time_us(double bytes) const {
    if (ranks <= 1) return 0;
    const double n = static_cast<double>(ranks);
    const double message = bytes / n;
    return 2 * (n - 1) * (link_latency_us + message / (link_bandwidth_gbps * 1e3));
  }
};

}  // namespace blis::latency::profiled
