-- Hypothesis (the reference's H9): TTFT falls monotonically as the shared prefix grows. Every prompt is about 2,048
-- tokens; the first `prefix` of them are the same for every request (a system prompt), so the
-- prefix cache serves them and prefill computes only the rest.
--
--   build/blis scenarios/hypotheses/prefix_caching.lua [--jobs N] [--strict]
local common = require "hypotheses.common"
local p = blis.params{ requests = { "requests per run", 1000 }, rate = { "requests per second", 8 } }

local ex = blis.experiment{
  name = "prefix caching",
  base = function(point)
    return blis.scenario{
      model = common.model, defaults_file = common.defaults_file,
      engine = { kv_blocks = 30000 },
      workload = blis.workload.distribution{
        rate = p.rate, requests = p.requests, prefix_tokens = point.prefix,
        prompt_tokens = { mean = 2048 - point.prefix, std = 64, min = 16, max = 4096 },
        output_tokens = { mean = 128, std = 32, min = 8, max = 512 },
      },
    }
  end,
  vary = { prefix = { 0, 256, 512, 1024, 1536, 1920 } },
  seeds = { 1, 2, 3 },
  collect = { "ttft_ms.mean", "ttft_ms.p99", "cache_hit_rate" },
}
local res = ex:run()
res:table("ttft_ms.mean", { baseline = { prefix = 0 } })
res:table("cache_hit_rate")
res:expect_trend("TTFT falls monotonically as the shared prefix grows", "ttft_ms.mean", "prefix", "decreasing")
res:expect_trend("the cache hit rate grows with the shared prefix", "cache_hit_rate", "prefix", "increasing")
