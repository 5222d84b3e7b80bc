-- The decisions of blis.search, as pure functions of numbers (tests/lua/search/logic_test.lua
-- checks each): whether a configuration meets the SLOs at a rate, the next rate its knee's
-- bisection needs, evidence that meeting the SLO is not monotone in the rate, the ranking of the
-- feasible configurations and the Pareto front of cost against latency. docs/planning.md.
local M = {}

local summarize = require("blis.experiment")._internal.summarize
local ipairs, format, concat, sort = ipairs, string.format, table.concat, table.sort

-- judge(plan, runs): runs = one { metrics = {...} } or { error = "..." } per seed. Returns
-- { meets, seeds_meeting, seeds, metrics = { name = { mean, low, high } }, why }. A latency
-- limit holds when the upper bound of the 95% interval across seeds is within it (judge =
-- "upper_ci") or the mean is (judge = "mean"); an attainment fraction likewise with the lower
-- bound. One seed that failed to run makes the configuration fail at that rate.
function M.judge(plan, runs)
  local out = { meets = true, seeds_meeting = 0, seeds = #runs, metrics = {}, why = nil }
  for _, r in ipairs(runs) do
    if r.error ~= nil then
      out.meets, out.why = false, "a run failed: " .. r.error
      return out
    end
    if r.metrics.completed == 0 then
      out.meets, out.why = false, "a run completed no request (no latencies to judge)"
      return out
    end
  end
  local function stat(name)
    local values = {}
    for i, r in ipairs(runs) do values[i] = r.metrics[name] end
    local mean, half = summarize(values)
    local s = { mean = mean, low = mean - half, high = mean + half }
    out.metrics[name] = s
    return s
  end
  local reasons = {}
  local upper = plan.judge == "upper_ci"
  for _, limit in ipairs(plan.slo.limits) do
    local s = stat(limit.metric)
    local v = upper and s.high or s.mean
    if not (v <= limit.max) then
      reasons[#reasons + 1] = format("%s %s %.6g > %.6g", limit.metric, upper and "upper 95% CI" or "mean", v, limit.max)
    end
  end
  local a = plan.slo.attainment
  if a ~= nil then
    local s = stat("slo_attainment")
    local v = upper and s.low or s.mean
    if not (v >= a.fraction) then
      reasons[#reasons + 1] = format("slo_attainment %s %.6g < %.6g", upper and "lower 95% CI" or "mean", v, a.fraction)
    end
  end
  if out.metrics[plan.pareto_metric] == nil then stat(plan.pareto_metric) end
  for _, r in ipairs(runs) do  -- seeds that meet every SLO on their own
    local ok = true
    for _, limit in ipairs(plan.slo.limits) do ok = ok and r.metrics[limit.metric] <= limit.max end
    if a ~= nil then ok = ok and r.metrics.slo_attainment >= a.fraction end
    if ok then out.seeds_meeting = out.seeds_meeting + 1 end
  end
  if #reasons > 0 then out.meets, out.why = false, concat(reasons, "; ") end
  return out
end

-- The share of a run's requests that completed and met every per-request target (a request
-- that did not complete misses them).
function M.attainment(requests, targets)
  local total, met = 0, 0
  for _, r in ipairs(requests) do
    total = total + 1
    local ok = r.completed
    for _, t in ipairs(targets) do ok = ok and r[t.metric] <= t.max end
    if ok then met = met + 1 end
  end
  return total > 0 and met / total or 0
end

-- The knee's bisection for one configuration. `verdict(rate)` is true/false for a rate already
-- judged, nil otherwise. Returns the rates still to judge (empty: done) and the state:
-- { status = "bracketed" | "below_range" | "above_range", low, high } where the configuration
-- meets the SLO at `low` and fails at `high` (bracketed), fails already at knee.low, or still
-- meets at knee.high. Bisection assumes meeting is monotone in the rate (docs/planning.md).
function M.knee_step(knee, verdict)
  local lo_ok, hi_ok = verdict(knee.low), verdict(knee.high)
  local need = {}
  if lo_ok == nil then need[#need + 1] = knee.low end
  if hi_ok == nil then need[#need + 1] = knee.high end
  if #need > 0 then return need, nil end
  if not lo_ok then return {}, { status = "below_range", low = nil, high = knee.low } end
  if hi_ok then return {}, { status = "above_range", low = knee.high, high = nil } end
  local lo, hi = knee.low, knee.high
  while true do
    local done = knee.step and (hi - lo <= knee.step) or (not knee.step and hi - lo <= knee.tolerance * lo)
    if done then return {}, { status = "bracketed", low = lo, high = hi } end
    local mid = (lo + hi) / 2
    local ok = verdict(mid)
    if ok == nil then return { mid }, nil end
    if ok then lo = mid else hi = mid end
  end
end

-- Evidence against monotonicity: a rate that fails below one that meets. `judged` is a list of
-- { rate, meets }. Returns nil, or { fails_at, meets_at } (the first such pair by rate).
function M.non_monotone(judged)
  local sorted = {}
  for i, j in ipairs(judged) do sorted[i] = j end
  sort(sorted, function(a, b) return a.rate < b.rate end)
  for i, a in ipairs(sorted) do
    if not a.meets then
      for k = i + 1, #sorted do
        if sorted[k].meets then return { fails_at = a.rate, meets_at = sorted[k].rate } end
      end
    end
  end
  return nil
end

local function cost_of(c) return c.resources.usd_per_hour or math.huge end

-- The feasible configurations, best first. fewest_gpus: GPUs, then cost; lowest_cost: cost, then
-- GPUs; both then the latency (pareto metric mean). highest_rate: the knee (its proven lower
-- bound), then cost. Ties keep the configurations' order. Each config has `feasible`, `latency`
-- and, for highest_rate, `knee_rate`.
function M.rank(objective, configs)
  local list = {}
  for _, c in ipairs(configs) do
    if c.feasible then list[#list + 1] = c end
  end
  local keys = {
    fewest_gpus = function(c) return { c.resources.gpus, cost_of(c), c.latency, c.index } end,
    lowest_cost = function(c) return { cost_of(c), c.resources.gpus, c.latency, c.index } end,
    highest_rate = function(c) return { -c.knee_rate, cost_of(c), c.resources.gpus, c.index } end,
  }
  local key = keys[objective]
  sort(list, function(a, b)
    local ka, kb = key(a), key(b)
    for i = 1, #ka do
      if ka[i] ~= kb[i] then return ka[i] < kb[i] end
    end
    return false
  end)
  return list
end

-- The Pareto front of the feasible configurations over cost and a value: their latency (lower
-- is better), or with `by_knee` their knee rate (higher is better; the highest_rate objective,
-- whose latencies are at different rates). The front: those no other one beats on both (at most
-- as costly and at least as good, better on one), cheapest first. Cost is $/hour when every
-- feasible configuration has a price, else GPUs.
function M.pareto(configs, by_knee)
  local list, priced = {}, true
  local function worse(c) return by_knee and -c.knee_rate or c.latency end  -- lower is better
  for _, c in ipairs(configs) do
    if c.feasible and worse(c) ~= nil then
      list[#list + 1] = c
      priced = priced and c.resources.usd_per_hour ~= nil
    end
  end
  local function cost(c) return priced and c.resources.usd_per_hour or c.resources.gpus end
  local front = {}
  for _, a in ipairs(list) do
    local dominated = false
    for _, b in ipairs(list) do
      if b ~= a and cost(b) <= cost(a) and worse(b) <= worse(a) and (cost(b) < cost(a) or worse(b) < worse(a)) then
        dominated = true
      end
    end
    if not dominated then front[#front + 1] = a end
  end
  sort(front, function(a, b)
    if cost(a) ~= cost(b) then return cost(a) < cost(b) end
    return a.index < b.index
  end)
  return front, priced and "usd_per_hour" or "gpus"
end

return M
