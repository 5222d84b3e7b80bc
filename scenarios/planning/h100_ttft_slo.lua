-- Capacity planning (docs/planning.md): how many H100 GPUs, at which tensor parallelism, hold a
-- chat workload under p99 TTFT <= 2 s? For Llama-3.1-8B at 20 requests/s and Llama-3.1-70B at
-- 4 requests/s, with the physics latency model (the model's shape and the GPU's datasheet).
--
--   build/blis scenarios/planning/h100_ttft_slo.lua --jobs 2
--   build/blis scenarios/planning/h100_ttft_slo.lua --rate_8b 40 --json plan.json
--   build/blis search scenarios/planning/h100_ttft_slo.lua --shard 0/2   (then blis merge ...)
--
-- Each search tries every combination of its knobs (instances x TP) at the target rate with
-- three seeds, keeps those whose p99 TTFT meets 2 s at the upper 95% confidence bound, ranks them
-- by GPUs, and finds each one's knee: the highest rate it holds, by bisection.
local p = blis.params{
  rate_8b  = { "Llama-3.1-8B: the arrival rate to hold (requests/s)", 20 },
  rate_70b = { "Llama-3.1-70B: the arrival rate to hold (requests/s)", 4 },
  duration = { "simulated seconds of arrivals per run (requests = rate x duration)", 20 },
}

-- Chat-like traffic: ~1,000-token prompts, ~250-token answers, Poisson arrivals.
local function scenario(model)
  return blis.scenario{
    model = { name = model, gpu = "H100", tp = 1 },
    latency = { model = "physics" },
    workload = blis.workload.distribution{
      rate = 1, requests = 1,  -- the search sets both
      prompt_tokens = { mean = 1024, std = 384, min = 16, max = 4096 },
      output_tokens = { mean = 256, std = 128, min = 8, max = 1024 },
    },
  }
end

local slo = { ["ttft_ms.p99"] = 2000 }
local seeds = { 1, 2, 3 }

local small = blis.search{
  name = "Llama-3.1-8B on H100",
  base = scenario("meta-llama/llama-3.1-8b-instruct"),
  knobs = { instances = { 1, 2, 4 }, tp = { 1, 2 } },
  seeds = seeds, slo = slo, objective = "fewest_gpus",
  rate = p.rate_8b, duration_s = p.duration,
  knee = { low = 2, high = 100, tolerance = 0.1 },
}

local large = blis.search{
  name = "Llama-3.1-70B on H100",
  base = scenario("meta-llama/llama-3.1-70b-instruct"),
  knobs = { instances = { 1, 2 }, tp = { 2, 4, 8 } },
  seeds = seeds, slo = slo, objective = "fewest_gpus",
  rate = p.rate_70b, duration_s = p.duration,
  knee = { low = 0.5, high = 24, tolerance = 0.1 },
}

-- The answer in one sentence per model, from the results' fields.
for _, res in ipairs({ small, large }) do
  local best = res.best[1]
  if best then
    print(string.format("%s: %d GPU%s (%s) hold %s req/s under p99 TTFT <= 2 s; this configuration's knee is %.3g req/s",
                        res.name, best.resources.gpus, best.resources.gpus == 1 and "" or "s", best.text, res.rate,
                        best.knee.low or 0))
  else
    print(res.name .. ": no configuration holds the rate under the SLO")
  end
end
