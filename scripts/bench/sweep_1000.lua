-- Benchmark (not a test): 1,000 simulations of 1,000 requests each on 2 instances, as one
-- experiment. Run: time build/blis scripts/bench/sweep_1000.lua --jobs 2
local ex = blis.experiment{
  name = "sweep benchmark",
  base = blis.scenario{
    model = { name = "meta-llama/llama-3.1-8b-instruct", gpu = "H100", tp = 1, vllm_version = "vllm/vllm-openai:v0.8.4" },
    defaults_file = "tests/fixtures/reference/defaults.yaml",
    instances = 2,
    engine = { kv_blocks = 132139 },
    workload = blis.workload.distribution{ rate = 30, requests = 1000 },
  },
  vary = {
    routing = { rr = { policy = "round-robin" }, ll = { policy = "least-loaded" },
                w = { policy = "weighted" }, pa = { policy = "prefix-affinity" } },
    rate = { 10, 20, 30, 40, 50 },
  },
  seeds = (function() local s = {} for i = 1, 50 do s[i] = i end return s end)(),
  collect = { "ttft_ms.p99", "e2e_ms.mean", "responses_per_sec" },
}
local res = ex:run()
res:table("ttft_ms.p99", { baseline = { routing = "rr" } })
