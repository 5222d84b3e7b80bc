-- The search test problems (tests/search/run_search_tests.py): small grids of cheap runs
-- (Llama-3.1-8B with the trained blackbox coefficients of model_configs/defaults.yaml, given
-- inline so that a run does not read that file), each run three ways from this one file so the
-- grids agree:
--   --mode search  blis.search over the grid (what is tested)
--   --mode sweep   blis.experiment over the same grid at the target rate (the exhaustive answer)
--   --mode scan    blis.experiment over the rates 4, 6, ..., 64 for one configuration (the knee by hand)
local p = blis.params{
  problem = { "a (fewest_gpus), b (lowest_cost, two GPUs, prices), c (highest_rate)", "a" },
  mode = { "search, sweep or scan", "search" },
  config = { "scan: the configuration's index", 0 },
}

-- defaults.yaml's rows for vllm/vllm-openai:v0.8.4: alpha, beta by GPU and TP.
local coefficients = {
  H100 = { [1] = { { 232.46191091038054, 1.752360364195244, 3357.4400353290152 },
                   { 5752.705191348184, 17.25086436834028, 5.999143920128404 } },
           [2] = { { 1601.350510688092, 3.512476196805965, 1805.5430360826988 },
                   { 6910.420479880494, 17.67057489844186, 2.8377471109943855 } } },
  ["A100-80"] = { [1] = { { 7739.7334212001515, 2.308926798943791, 6276.246189076296 },
                          { 16441.531547147923, 47.837412108198656, 18.20560632171683 } },
                  [2] = { { 2943.6134268743335, 2.151286397723518, 14229.18244730705 },
                          { 8001.630597822392, 26.362876080324924, 14.969035206354745 } } },
}

-- One configuration at one rate and seed (the fields the knobs and the search give).
local function scenario(c)
  local gpu, tp = c.gpu or "H100", c.tp or 1
  return blis.scenario{
    seed = c.seed, instances = c.instances or 1,
    model = { name = "meta-llama/llama-3.1-8b-instruct", gpu = gpu, tp = tp,
              alpha = coefficients[gpu][tp][1], beta = coefficients[gpu][tp][2] },
    engine = { kv_blocks = tp == 1 and 29205 or 132139, max_running = c.max_running or 64,
               max_batched_tokens = c.max_batched_tokens or 2048 },
    workload = blis.workload.distribution{ rate = c.rate, requests = 150,
      prompt_tokens = { mean = 512, std = 128, min = 2, max = 2000 },
      output_tokens = { mean = 128, std = 32, min = 2, max = 500 } },
  }
end

local problems = {
  a = { name = "a", base = scenario, knobs = { instances = { 1, 2, 3 }, max_running = { 8, 64 } },
        seeds = { 1, 2 }, slo = { ["ttft_ms.p99"] = 300, attainment = { e2e_ms = 4000, fraction = 0.9 } },
        objective = "fewest_gpus", rate = 30 },
  b = { name = "b", base = scenario,
        knobs = { instances = { 1, 2, 4 }, tp = { 1, 2 }, gpu = { "H100", "A100-80" } },
        seeds = { 3, 4 }, slo = { ["e2e_ms.p99"] = 2500, ["itl_ms.mean"] = 12 },
        objective = "lowest_cost", rate = 40, prices = { H100 = 3, ["A100-80"] = 1.6 }, top = 3 },
  c = { name = "c", base = scenario, knobs = { max_batched_tokens = { 128, 512, 2048 } },
        seeds = { 7, 8 }, slo = { ["ttft_ms.mean"] = 100 }, judge = "mean", objective = "highest_rate",
        knee = { low = 4, high = 64, tolerance = 0.05 } },
}
local problem = problems[p.problem]

if p.mode == "search" then
  return blis.search(problem)
end

local collect = { "completed", "ttft_ms.p99", "ttft_ms.mean", "e2e_ms.p99", "itl_ms.mean",
                  attain = function(r)
                    local met = 0
                    for _, q in ipairs(r.requests) do
                      if q.completed and q.e2e_ms <= 4000 then met = met + 1 end
                    end
                    return met / #r.requests
                  end }
local vary = {}
if p.mode == "sweep" then
  for name, values in pairs(problem.knobs) do vary[name] = values end
  vary.rate = { problem.rate }
elseif p.mode == "scan" then
  -- one configuration, by its index in the search's order (knobs by name, the first slowest)
  local names = {}
  for name in pairs(problem.knobs) do names[#names + 1] = name end
  table.sort(names)
  local index = p.config
  for i = #names, 1, -1 do
    local values = problem.knobs[names[i]]
    vary[names[i]] = { values[index % #values + 1] }
    index = math.floor(index / #values)
  end
  vary.rate = {}
  for r = 4, 64, 2 do vary.rate[#vary.rate + 1] = r end
end
blis.experiment{ base = scenario, vary = vary, seeds = problem.seeds, collect = collect }:run()
