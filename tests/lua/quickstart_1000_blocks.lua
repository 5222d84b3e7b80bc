-- scenarios/quickstart.lua with the KV cache cut to 1,000 blocks: under --rate=40 requests are
-- preempted again and again. Corrected mode must finish; reference mode hits the reference's
-- KV block leak (engine-core §5.6) and must stop with an error instead of spinning.
local p = blis.params{
  rate     = { "arrival rate (requests per second)", 10 },
  requests = { "number of requests", 500 },
  seed     = { "random seed", 42 },
  compat   = { "corrected or reference", "corrected" },
}

return blis.scenario{
  seed = p.seed,
  compat = p.compat,
  defaults_file = "model_configs/defaults.yaml",
  model = { name = "meta-llama/llama-3.1-8b-instruct", gpu = "H100", tp = 1,
            vllm_version = "vllm/vllm-openai:v0.8.4" },
  engine = { kv_blocks = 1000, block_size_tokens = 16, max_running = 256, max_batched_tokens = 2048 },
  workload = blis.workload.distribution{
    rate = p.rate, requests = p.requests,
    prompt_tokens = { mean = 512, std = 256, min = 2, max = 7000 },
    output_tokens = { mean = 512, std = 256, min = 2, max = 7000 },
  },
}
