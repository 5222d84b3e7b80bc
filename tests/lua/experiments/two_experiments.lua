-- example experiment script with two sweeps, the second built from the first's results: the
-- rate that kept p99 TTFT lowest is then swept over instance counts
local p = blis.params{ requests = 200 }
local function cluster(rate, instances)
  return blis.scenario{
    model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
    instances = instances,
    workload = blis.workload.distribution{ rate = rate, requests = p.requests, prefix_tokens = 64 },
  }
end

local first = blis.experiment{
  name = "rates",
  base = function(pt) return cluster(pt.rate, 2) end,
  vary = { rate = { 10, 40, 160 } },
  seeds = { 1, 2 },
  collect = { "ttft_ms.p99", "responses_per_sec" },
}
local r1 = first:run()
r1:table("ttft_ms.p99")
local best, best_value = nil, math.huge
for _, rate in ipairs({ 10, 40, 160 }) do
  local v = r1:mean("ttft_ms.p99", { rate = rate })
  if v < best_value then best, best_value = rate, v end
end
print("lowest p99 TTFT at rate " .. best)

local second = blis.experiment{
  name = "instances at rate " .. best,
  base = function(pt) return cluster(best, pt.instances) end,
  vary = { instances = { 1, 2, 4 } },
  seeds = { 1, 2 },
  collect = { "ttft_ms.p99", "e2e_ms.mean" },
}
local r2 = second:run()
r2:table("e2e_ms.mean", { baseline = { instances = 1 } })
r2:expect_trend("more instances, shorter E2E", "e2e_ms.mean", "instances", "non-increasing")
io.write(r2:json())
