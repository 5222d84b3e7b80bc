-- The physics model without engine.kv_blocks: the block count is derived as vLLM sizes its cache,
-- from half the GPU's memory and with 2 GiB of weights per GPU offloaded to host memory (read over
-- PCIe every step). The derivation is printed at log = "info". Golden: scenario_kv_derived.
return blis.scenario{
  seed = 5,
  model = { name = "Qwen/Qwen2.5-7B-Instruct" },
  latency = { model = "physics", gpu = "L40S" },
  engine = { gpu_memory_utilization = 0.5, cpu_offload_gb = 2, max_running = 64 },
  workload = blis.workload.distribution{ rate = 2, requests = 10 },
  log = "info",
}
