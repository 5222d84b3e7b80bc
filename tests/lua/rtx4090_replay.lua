-- Replay of a real vLLM 0.19.0 run: Llama-3.1-8B on one RTX 4090 whose KV cache held 2,588
-- blocks of 16 tokens, 300 ShareGPT multi-turn requests at ~10 req/s (the workload of
-- sim2real C_llmservingsim-bench-vllm0.19.0; tests/fixtures/rtx4090_replay/convert.py made the
-- trace). The real run finished; the reference engine livelocks on it (engine-core §5.6).
-- There are no trained RTX 4090 coefficients: the H100 ones stand in, slowed down by --slowdown
-- (the RTX 4090 has about a third of an H100's bandwidth), which is enough to fill the cache.
local p = blis.params{
  slowdown = { "step-time factor over the H100 coefficients", 3 },
  compat   = { "corrected or reference", "corrected" },
}

local h100_beta = { 5752.705191348184, 17.25086436834028, 5.999143920128404 }
return blis.scenario{
  compat = p.compat,
  model = { name = "meta-llama/llama-3.1-8b-instruct",
            alpha = { 232.46191091038054, 1.752360364195244, 3357.4400353290152 },
            beta = { h100_beta[1] * p.slowdown, h100_beta[2] * p.slowdown, h100_beta[3] * p.slowdown } },
  engine = { kv_blocks = 2588, block_size_tokens = 16, max_running = 256, max_batched_tokens = 2048 },
  workload = blis.workload.trace_v2{ path = "tests/fixtures/rtx4090_replay/rtx4090_sharegpt_300.yaml" },
}
