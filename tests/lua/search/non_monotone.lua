-- A p99 of 150 requests over two seeds is noisy near the knee: this configuration fails at the
-- target rate, 41 req/s, yet meets at a higher rate the bisection tries. The report must say so
-- (a warning naming both rates; "non_monotone" in the JSON) rather than present the knee as exact.
local function scenario(c)
  return blis.scenario{
    seed = c.seed,
    model = { name = "meta-llama/llama-3.1-8b-instruct", gpu = "H100", tp = 1,
              alpha = { 232.46191091038054, 1.752360364195244, 3357.4400353290152 },
              beta = { 5752.705191348184, 17.25086436834028, 5.999143920128404 } },
    engine = { kv_blocks = 29205, max_running = 64, max_batched_tokens = c.max_batched_tokens },
    workload = blis.workload.distribution{ rate = c.rate, requests = 150,
      prompt_tokens = { mean = 512, std = 128, min = 2, max = 2000 },
      output_tokens = { mean = 128, std = 32, min = 2, max = 500 } },
  }
end

return blis.search{
  base = scenario, knobs = { max_batched_tokens = { 256 } }, seeds = { 7, 8 },
  slo = { ["ttft_ms.p99"] = 400 }, objective = "fewest_gpus", rate = 41,
  knee = { low = 2, high = 120, tolerance = 0.05 },
}
