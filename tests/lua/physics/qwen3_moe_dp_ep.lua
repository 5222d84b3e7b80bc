-- The physics latency model on a mixture-of-experts model with DP attention and expert
-- parallelism: Qwen3-30B-A3B on H100s, TP 1 x DP 2 with the experts over both GPUs (EP 2). One
-- instance is one DP rank. Golden: run_physics_moe_scenario (and its `blis run` equivalent).
return blis.scenario{
  seed = 7,
  compat = "corrected",
  model = { name = "Qwen/Qwen3-30B-A3B-Instruct-2507" },
  latency = { model = "physics", gpu = "H100", tp = 1, dp = 2, ep = 2,
              coefficients = "model_configs/physics/default.yaml" },
  engine = { kv_blocks = 20000 },
  workload = blis.workload.distribution{
    rate = 8, requests = 30,
    prompt_tokens = { mean = 300, std = 100, min = 10, max = 1000 },
    output_tokens = { mean = 100, std = 50, min = 2, max = 400 },
  },
}
