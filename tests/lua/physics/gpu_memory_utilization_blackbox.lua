-- engine.gpu_memory_utilization sizes a derived KV cache; the blackbox model derives none, so the
-- key would do nothing: an error naming this line. Golden: scenario_gpu_memory_utilization_blackbox.
return blis.scenario{
  model = { name = "meta-llama/llama-3.1-8b-instruct", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  engine = {
    gpu_memory_utilization = 0.8,
  },
  workload = blis.workload.distribution{ rate = 1, requests = 1 },
}
