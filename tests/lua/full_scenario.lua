-- every scenario key; tests compare it with the equivalent `blis run` command line
return blis.scenario{
  seed = 7,
  horizon_us = 9223372036854775807LL,
  log = "error",
  defaults_file = "model_configs/defaults.yaml",
  results_path = "/tmp/results.json",
  fitness_weights = "throughput:0.5,p99_ttft:0.3",
  model = {
    name = "meta-llama/llama-3.1-8b-instruct", gpu = "H100", tp = 2, vllm_version = "vllm/vllm-openai:v0.8.4",
    alpha = { 232.46, 1.75, 3357.44 }, beta = { 0.1, 1e-7, -0.0, 1e21 },
    config_folder = "model_configs/llama", hardware_config = "model_configs/hardware_config.json",
  },
  instances = 4,
  engine = {
    kv_blocks = 132139, block_size_tokens = 32, max_running = 128, max_batched_tokens = 4096,
    long_prefill_threshold = 256, max_model_len = 8192, scheduler = "priority-fcfs", priority = "slo-based",
    kv_cpu_blocks = 1000, kv_offload_threshold = 0.75, kv_transfer_bandwidth = 0.30000000000000004,
    kv_transfer_base_latency_us = 15,
  },
  workload = blis.workload.distribution{
    rate = 12.5, requests = 900, prefix_tokens = 64,
    prompt_tokens = { mean = 300, std = 100, min = 10, max = 4000 },
    output_tokens = { mean = 200, std = 50, min = 1, max = 1000 },
  },
  admission = { policy = "token-bucket", latency_us = 5, capacity = 5000, refill_per_s = 250.5 },
  routing = { policy = "weighted", scorers = "queue-depth:1,load-balance:1", latency_us = 3,
              snapshot_refresh_us = 100 },
  policy_config = "bundle.yaml",
  trace = { level = "decisions", counterfactual_k = 3, summarize = true },
}
