-- Hypothesis (the reference's H-MMK): under matching assumptions — Poisson arrivals, one
-- request per instance at a time (max_running = 1), exponential output lengths (so roughly
-- exponential service), FCFS — the simulated mean wait (arrival to first scheduling) follows
-- queueing theory:
--   one instance            M/M/1   Wq = rho / (mu - lambda)
--   4 instances, round-robin  each instance sees lambda / 4 (more regular than Poisson: no longer than M/M/1)
--   4 instances, least-loaded between M/M/4 with one shared queue (Erlang C) and 4 x M/M/1
-- Two experiments: the first measures the service rate mu (throughput of one overloaded
-- instance; blis's E2E overstates the time a request occupies the instance, engine-core §2.4
-- NOTE, so it cannot be used for mu), the second sweeps the load rho with arrival rates set
-- from that mu.
--
--   build/blis scenarios/hypotheses/mmk.lua [--jobs N] [--strict]
local common = require "hypotheses.common"
local p = blis.params{ requests = { "requests per run", 3000 } }

local function cluster(instances, routing, rate, requests, output)
  return blis.scenario{
    model = common.model, defaults_file = common.defaults_file, instances = instances,
    engine = { kv_blocks = 1000000, max_running = 1 },
    routing = { policy = routing },
    workload = blis.workload.spec{
      aggregate_rate = rate, num_requests = requests,
      clients = { { id = "mmk", rate_fraction = 1, arrival = { process = "poisson" },
                    input_distribution = { type = "constant", params = { value = 1 } },
                    output_distribution = output } },
    },
  }
end

-- 1. The service rate: an overloaded instance completes requests back to back.
local calibration = blis.experiment{
  name = "service rate",
  base = function() return cluster(1, "round-robin", 50, 400, { type = "constant", params = { value = 128 } }) end,
  seeds = { 42 },
  collect = { "responses_per_sec" },
}
local mu = calibration:run():mean("responses_per_sec")
print(string.format("service rate mu = %.4f requests/s per instance (mean service %.1f ms)\n", mu, 1000 / mu))

-- 2. The load sweep.
local setups = { mm1 = { 1, "round-robin" }, rr4 = { 4, "round-robin" }, ll4 = { 4, "least-loaded" } }
local ex = blis.experiment{
  name = "M/M/k",
  base = function(point)
    local k, routing = setups[point.setup][1], setups[point.setup][2]
    return cluster(k, routing, point.rho * k * mu, p.requests, { type = "exponential", params = { mean = 128 } })
  end,
  vary = { setup = { "mm1", "rr4", "ll4" }, rho = { 0.3, 0.5, 0.7, 0.85 } },
  seeds = { 42, 123, 456 },
  collect = { wait_ms = function(r) return r.cluster.scheduling_delay_ms.mean end },
}
local res = ex:run()
res:table("wait_ms")

local function mm1_wait_ms(rho) return rho / (mu - rho * mu) * 1000 end
local function mmk_wait_ms(k, rho)  -- Erlang C
  local a = rho * k
  local sum, term = 0, 1
  for i = 0, k - 1 do
    if i > 0 then term = term * a / i end
    sum = sum + term
  end
  local top = term * a / k * k / (k - a)
  return top / (sum + top) / (k * mu - rho * k * mu) * 1000
end

print("mean wait, simulated vs theory (ms)")
print(string.format("%-5s  %10s %10s %8s   %10s %10s   %10s %10s", "rho", "1 inst", "M/M/1", "error",
                    "4 rr", "M/M/1", "4 ll", "M/M/4"))
local mm1_ok, rr_ok, ll_ok = true, true, true
for _, rho in ipairs({ 0.3, 0.5, 0.7, 0.85 }) do
  local w1 = res:mean("wait_ms", { setup = "mm1", rho = rho })
  local wrr = res:mean("wait_ms", { setup = "rr4", rho = rho })
  local wll = res:mean("wait_ms", { setup = "ll4", rho = rho })
  local t1, t4 = mm1_wait_ms(rho), mmk_wait_ms(4, rho)
  print(string.format("%-5.2f  %10.1f %10.1f %+7.1f%%   %10.1f %10.1f   %10.1f %10.1f", rho, w1, t1,
                      (w1 - t1) / t1 * 100, wrr, t1, wll, t4))
  if math.abs(w1 - t1) / t1 > 0.15 then mm1_ok = false end
  if wrr > t1 then rr_ok = false end
  if not (wll >= t4 and wll <= wrr) then ll_ok = false end
end
print("")
blis.expect(mm1_ok, "one instance waits as M/M/1 predicts (within 15% at every load)")
blis.expect(rr_ok, "round-robin over 4 instances waits no longer than M/M/1 per instance (its arrivals are more regular)")
blis.expect(ll_ok, "least-loaded routing lies between M/M/4's shared queue and 4 separate M/M/1 queues")
res:expect_trend("waits grow with load", "wait_ms", "rho", "increasing", { setup = "ll4" })
