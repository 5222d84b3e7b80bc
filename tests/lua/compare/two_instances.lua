-- blis compare's golden cases: the quickstart's deployment doubled (2 instances), with the same
-- parameters, so `blis compare scenarios/quickstart.lua tests/lua/compare/two_instances.lua`
-- compares one instance against two under the same arrivals.
local p = blis.params{
  rate     = { "arrival rate (requests per second)", 10 },
  requests = { "number of requests", 500 },
  seed     = { "random seed", 42 },
}

return blis.scenario{
  seed = p.seed,
  model = { name = "meta-llama/llama-3.1-8b-instruct", gpu = "H100", tp = 1,
            vllm_version = "vllm/vllm-openai:v0.8.4" },
  instances = 2,
  routing = { policy = "least-loaded" },
  engine = { kv_blocks = 29205, block_size_tokens = 16, max_running = 256, max_batched_tokens = 2048 },
  workload = blis.workload.distribution{
    rate = p.rate, requests = p.requests,
    prompt_tokens = { mean = 512, std = 256, min = 2, max = 7000 },
    output_tokens = { mean = 512, std = 256, min = 2, max = 7000 },
  },
  results_path = "results.json",
}
