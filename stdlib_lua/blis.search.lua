-- blis.search{...}: SLO-constrained capacity planning (docs/planning.md). Every combination of
-- the knobs is a configuration; the search finds which meet the SLOs at the target rate, the
-- highest rate each one holds (its knee, by bisection) and ranks them by the objective.
--
-- How it runs: in rounds, each a sweep of points (configuration x rate x seed) run in parallel
-- by the experiment machinery (bindings/experiment_runner.cpp): a point runs in a fresh Lua
-- state that re-runs the script up to this call, which there simulates that one point (named by
-- its description) and stops. The next round's rates follow from the results alone, and each
-- configuration's rates from its own results alone, so:
--   * the output does not depend on --jobs;
--   * --shard I/N runs the configurations whose number is I modulo N, each with its whole
--     bisection, and writes every result to a shard file; `blis merge` re-runs the script, whose
--     rounds then take their results from the shards (the same decisions, the same output).
-- A search takes one run number, like ex:run(); the results of all its rounds, in order, are
-- that run's results, which later experiments' workers replay the search from.
local M = {}

local spec = require "blis.search_spec"
local logic = require "blis.search_logic"
local report = require "blis.search_report"
local experiment = require "blis.experiment"
local internal = experiment._internal

local ipairs, format, concat, tonumber = ipairs, string.format, table.concat, tonumber

-- What every point collects: the SLO statistics, the attainment, the Pareto front's latency.
local function metric_names(plan)
  local names, seen = {}, {}
  local function add(n)
    if not seen[n] then names[#names + 1], seen[n] = n, true end
  end
  for _, limit in ipairs(plan.slo.limits) do add(limit.metric) end
  if plan.slo.attainment then add("slo_attainment") end
  add(plan.pareto_metric)
  add("completed")  -- a run that completed nothing has no latencies to judge (logic.judge)
  return names
end

local function describe(config, rate, seed)
  return format("config %d (%s) rate=%s seed=%d", config.index, config.text, internal.exact(rate), seed)
end

-- In a worker state: simulate the point the description names, hand back its numbers, stop.
local function run_point(plan, names, description)
  local index, rate, seed = description:match("^config (%d+) %(.*%) rate=(%S+) seed=(%-?%d+)$")
  local config = index and plan.configs[tonumber(index) + 1]
  if config == nil then error("blis.search: the point " .. description .. " is not one of this search's", 0) end
  local blis = require "blis"
  local results = blis._simulate(spec.scenario(plan, config, tonumber(rate), tonumber(seed)))
  local out = {}
  for _, name in ipairs(names) do
    if name == "slo_attainment" then
      out[name] = logic.attainment(results.requests, plan.slo.attainment.targets)
    else
      out[name] = internal.lookup(results, name)
    end
  end
  blis._point_done(out, names)
end

-- Everything the decisions depend on, for the fingerprint that ties shard files to the search.
local function search_key(plan, names)
  local parts = { "objective " .. plan.objective, "judge " .. plan.judge, "metrics " .. concat(names, " ") }
  parts[#parts + 1] = "rate " .. (plan.rate and internal.exact(plan.rate) or "none")
  if plan.knee then
    parts[#parts + 1] = format("knee %s %s %s %s", internal.exact(plan.knee.low), internal.exact(plan.knee.high),
                               internal.exact(plan.knee.tolerance or 0), internal.exact(plan.knee.step or 0))
  end
  for _, limit in ipairs(plan.slo.limits) do parts[#parts + 1] = limit.metric .. " <= " .. internal.exact(limit.max) end
  local a = plan.slo.attainment
  if a then
    for _, t in ipairs(a.targets) do parts[#parts + 1] = "attain " .. t.metric .. " " .. internal.exact(t.max) end
    parts[#parts + 1] = "fraction " .. internal.exact(a.fraction)
  end
  for _, s in ipairs(plan.seeds) do parts[#parts + 1] = format("seed %d", s) end
  for _, c in ipairs(plan.configs) do parts[#parts + 1] = "config " .. c.text end
  return concat(parts, "\n")
end

-- The rates a configuration still needs judged: the target, then the knee's next step.
local function needed_rates(plan, judged)
  local rates, seen = {}, {}
  local function add(r)
    if judged[r] == nil and not seen[r] then rates[#rates + 1], seen[r] = r, true end
  end
  if plan.rate then add(plan.rate) end
  if plan.knee then
    local need = logic.knee_step(plan.knee, function(r) return judged[r] and judged[r].meets end)
    for _, r in ipairs(need) do add(r) end
  end
  return rates
end

-- What the rounds found about one configuration: target verdict, knee, feasibility.
local function conclude(plan, c, judged, order)
  c.judged = order
  c.target = plan.rate and judged[plan.rate] or nil
  if plan.knee then
    local _, state = logic.knee_step(plan.knee, function(r) return judged[r].meets end)
    c.knee = state
    c.knee.evaluations = #order
  end
  c.non_monotone = logic.non_monotone(order)
  if plan.objective == "highest_rate" then
    c.feasible = c.knee.status ~= "below_range"
    c.knee_rate = c.knee.low or 0
    local at = judged[c.knee.low or plan.knee.low]
    c.latency = at.metrics[plan.pareto_metric] and at.metrics[plan.pareto_metric].mean
    c.why = not c.feasible and format("fails already at knee.low = %s req/s: %s", internal.number_text(plan.knee.low),
                                      judged[plan.knee.low].why) or nil
  else
    c.feasible = c.target.meets
    c.latency = c.target.metrics[plan.pareto_metric] and c.target.metrics[plan.pareto_metric].mean
    c.why = not c.feasible and c.target.why or nil
  end
end

function M.search(t)
  local plan = spec.plan(t)
  local names = metric_names(plan)
  local run = experiment._next_run()
  local blis = require "blis"
  local worker = blis._worker
  if worker ~= nil and worker.run == run then run_point(plan, names, worker.description) end
  local evaluate, files
  if worker ~= nil then
    -- A later sweep's worker: this search ran in the main state; replay it from its results.
    local prior, cursor = worker.prior[run] or {}, 0
    evaluate = function(descriptions)
      local out = {}
      for i = 1, #descriptions do
        cursor = cursor + 1
        out[i] = prior[cursor] or { error = "the search's results are missing in this worker" }
      end
      return out
    end
  else
    if run == 1 then
      local unknown = blis._loader.unknown_params()
      if unknown then error(unknown, 2) end
    end
    local key = search_key(plan, names)
    evaluate = function(descriptions)
      local raw, f = blis._sweep(run, descriptions, names, key)
      files = files or f
      return raw
    end
  end
  local shard_index, shard_count
  if worker == nil and blis._search_shard then shard_index, shard_count = blis._search_shard() end  -- (--help: none)
  local active = {}
  for _, c in ipairs(plan.configs) do
    if shard_index == nil or c.index % shard_count == shard_index then active[#active + 1] = c end
  end
  local judged, order = {}, {}
  for _, c in ipairs(active) do judged[c.index], order[c.index] = {}, {} end
  while true do  -- rounds
    local descriptions, wanted = {}, {}
    for _, c in ipairs(active) do
      for _, rate in ipairs(needed_rates(plan, judged[c.index])) do
        wanted[#wanted + 1] = { config = c, rate = rate }
        for _, seed in ipairs(plan.seeds) do descriptions[#descriptions + 1] = describe(c, rate, seed) end
      end
    end
    if #wanted == 0 then break end
    local raw = evaluate(descriptions)
    local k = 0
    for _, w in ipairs(wanted) do
      local runs = {}
      for i = 1, #plan.seeds do
        k = k + 1
        local r = raw[k] or {}
        runs[i] = (r.error == nil and r.metrics == nil) and { error = "no result" } or r
      end
      local j = logic.judge(plan, runs)
      j.rate = w.rate
      judged[w.config.index][w.rate] = j
      local list = order[w.config.index]
      list[#list + 1] = j
    end
  end
  if shard_index ~= nil then blis._search_write_shard(run, #plan.configs) end  -- ends the script
  for _, c in ipairs(plan.configs) do conclude(plan, c, judged[c.index], order[c.index]) end
  local res = report.new(plan, logic.rank(plan.objective, plan.configs), logic.pareto(plan.configs, plan.objective == "highest_rate"))
  if worker == nil then
    if plan.print then io.write(res:table()) end
    if files ~= nil and files.json then res:write_json(files.json) end
    if files ~= nil and files.csv then res:write_csv(files.csv) end
  end
  return res
end

return M
