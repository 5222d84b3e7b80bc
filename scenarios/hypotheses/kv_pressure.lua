-- Hypothesis (the reference's H8): KV pressure costs preemptions, and past a point, progress. One instance under a
-- steady load of long requests. With enough KV blocks nothing is preempted; below the working
-- set the running batch outgrows the cache, requests are preempted and recomputed, and E2E
-- grows; further down the engine (like the reference, engine-core §5.6) spends its steps
-- preempting and re-admitting and completes fewer and fewer requests before the horizon
-- (which is why the preemption count itself is not monotone there: less work gets far enough
-- to be preempted).
--
--   build/blis scenarios/hypotheses/kv_pressure.lua [--jobs N] [--strict]
local common = require "hypotheses.common"
local p = blis.params{ requests = { "requests per run", 600 } }

local ex = blis.experiment{
  name = "KV pressure",
  base = blis.scenario{
    model = common.model, defaults_file = common.defaults_file,
    horizon_us = 600000000,
    workload = blis.workload.distribution{
      rate = 12, requests = p.requests,
      prompt_tokens = { mean = 1024, std = 256, min = 64, max = 4096 },
      output_tokens = { mean = 512, std = 128, min = 16, max = 2048 },
    },
  },
  vary = { kv_blocks = { 3000, 3500, 4000, 4500, 5000, 6000 } },
  seeds = { 1, 2, 3, 4, 5, 6, 7, 8 },
  collect = { "preemptions", "preemption_rate", "e2e_ms.mean", "completed" },
}
local res = ex:run()
res:table("preemptions")
res:table("e2e_ms.mean")
res:table("completed")
res:expect("a cache that holds the working set preempts less than one that does not", "preemptions",
           { kv_blocks = 6000 }, "<", { kv_blocks = 4000 })
res:expect_trend("completed requests grow with the KV cache", "completed", "kv_blocks", "non-decreasing")
-- At 3500 blocks, not 4000: a preempted request resumes as vLLM's does (it recomputes prompt +
-- generated tokens in one chunked prefill, correction preempt_resumes_from_reached), so a few
-- preemptions cost little; E2E grows once the batch clearly outgrows the cache.
res:expect("preemption and recomputation lengthen E2E", "e2e_ms.mean", { kv_blocks = 3500 }, ">", { kv_blocks = 6000 })
