-- Hypothesis: with one request per instance at a time, exponential output lengths and Poisson
-- arrivals, k instances behind least-loaded routing queue like an M/M/k system, so Erlang C
-- predicts how the mean wait (arrival to first scheduling) changes with k at equal load:
--   Wq(k) = C(k, a) / (k mu - lambda),   a = lambda / mu.
-- The service rate mu is calibrated from the single-instance run (M/M/1: Wq = lambda / (mu (mu -
-- lambda))), because blis's E2E overstates residence time (engine-core §2.4 NOTE) and cannot
-- give it directly. Least-loaded routing keeps one queue per instance, so it can only wait
-- longer than M/M/k's shared queue: the table shows that gap growing with k, the price of
-- committing each request to an instance when it arrives.
--
--   build/blis scenarios/hypotheses/mmk.lua [--jobs N] [--strict]
local common = require "hypotheses.common"
local p = blis.params{ requests = { "requests per run", 4000 }, load = { "utilisation rho = lambda / (k mu)", 0.7 },
                       service_s = { "expected service time in seconds (sets the arrival rate)", 0.87 } }

local ex = blis.experiment{
  name = "M/M/k",
  base = function(point)
    local rate = p.load * point.k / p.service_s
    return blis.scenario{
      model = common.model, defaults_file = common.defaults_file, instances = point.k,
      engine = { kv_blocks = 30000, max_running = 1 },
      routing = { policy = "least-loaded" },
      workload = blis.workload.spec{
        aggregate_rate = rate, num_requests = p.requests,
        clients = { { id = "c", rate_fraction = 1, arrival = { process = "poisson" },
                      input_distribution = { type = "constant", params = { value = 64 } },
                      output_distribution = { type = "exponential", params = { mean = 128 } } } },
      },
    }
  end,
  vary = { k = { 1, 2, 4, 8 } },
  seeds = { 1, 2, 3 },
  collect = {
    wait_ms = function(r) return r.cluster.scheduling_delay_ms.mean end,
  },
}
local res = ex:run()

-- Erlang C: the probability that an arrival waits, for k servers at offered load a.
local function erlang_c(k, a)
  local sum, term = 0, 1
  for i = 0, k - 1 do
    if i > 0 then term = term * a / i end
    sum = sum + term
  end
  local last = term * a / k  -- a^k / k!
  local top = last * k / (k - a)
  return top / (sum + top)
end

-- mu from the k = 1 runs (M/M/1), then Erlang C for every k.
local lambda1 = p.load / p.service_s
local w1 = res:mean("wait_ms", { k = 1 }) / 1000
local mu = (lambda1 + math.sqrt(lambda1 * lambda1 + 4 * lambda1 / w1)) / 2
print(string.format("M/M/k: mean wait, measured and predicted (load %.2f, mean over 3 seeds; mu = %.3f/s from k = 1)",
                    p.load, mu))
print(string.format("%-3s  %12s  %12s  %8s", "k", "measured ms", "M/M/k ms", "error"))
for _, k in ipairs({ 1, 2, 4, 8 }) do
  local wait = res:mean("wait_ms", { k = k })
  local lambda = p.load * k / p.service_s
  local predicted = erlang_c(k, lambda / mu) / (k * mu - lambda) * 1000
  local error = (wait - predicted) / predicted
  print(string.format("%-3d  %12.1f  %12.1f  %+7.1f%%", k, wait, predicted, error * 100))
end
print("")
local function predicted_wait(k)
  local lambda = p.load * k / p.service_s
  return erlang_c(k, lambda / mu) / (k * mu - lambda) * 1000
end
local bound = true
for _, k in ipairs({ 2, 4, 8 }) do
  if res:mean("wait_ms", { k = k }) < predicted_wait(k) then bound = false end
end
blis.expect(bound, "M/M/k's shared queue is a lower bound: least-loaded routing's per-instance queues wait longer",
            "k = 2, 4, 8: measured >= Erlang C")
local w2 = res:mean("wait_ms", { k = 2 })
blis.expect(math.abs(w2 - predicted_wait(2)) / predicted_wait(2) < 0.35,
            "with 2 instances M/M/2 predicts the mean wait within 35%",
            string.format("measured %.1f ms, predicted %.1f ms", w2, predicted_wait(2)))
res:expect_trend("pooling: at equal load per instance the mean wait falls as k grows", "wait_ms", "k", "decreasing")
