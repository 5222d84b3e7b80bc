-- blis.search{...}'s definition, checked and made into a plan: the configurations (every
-- combination of the knobs), their GPUs and price, the SLOs, the target rate, the knee's range.
-- Every mistake is one error naming the key path ("blis.search: slo[\"ttft_ms.p98\"]: ..."), raised
-- before anything runs. See docs/planning.md.
local M = {}

local util = require "blis.util"
local internal = require("blis.experiment")._internal

local type, pairs, ipairs, tostring, error, format, concat, floor =
  type, pairs, ipairs, tostring, error, string.format, table.concat, math.floor

local function fail(message, level)
  error("blis.search: " .. message, (level or 1) + 1)
end
M.fail = fail

-- Knob short names (besides blis.experiment's rate, requests, kv_blocks, ...): the parallelism
-- and the GPU a configuration's GPU count and price come from.
local knob_aliases = { tp = "model.tp", gpu = "model.gpu", max_batched_tokens = "engine.max_batched_tokens",
                       kv_blocks = "engine.kv_blocks", max_running = "engine.max_running", scheduler = "engine.scheduler",
                       requests = "workload.requests" }
M.knob_aliases = knob_aliases

-- SLO metrics: a latency block of the run's results and one of its statistics; an upper limit.
local latency_blocks = { ttft_ms = true, itl_ms = true, e2e_ms = true, scheduling_delay_ms = true }
local statistics = { mean = true, p50 = true, p90 = true, p95 = true, p99 = true, max = true }
local objectives = { fewest_gpus = true, lowest_cost = true, highest_rate = true }
local judges = { upper_ci = true, mean = true }
local known_keys = { "name", "base", "knobs", "seeds", "slo", "objective", "rate", "knee", "prices", "top", "judge",
                     "print", "pareto_metric", "duration_s" }

local function is_metric(name)
  local block, stat = tostring(name):match("^([%w_]+)%.(%w+)$")
  return block ~= nil and latency_blocks[block] and statistics[stat]
end
local metric_hint = "a latency statistic: ttft_ms, itl_ms, e2e_ms or scheduling_delay_ms, then .mean, .p50, .p90, "
                    .. ".p95, .p99 or .max (e.g. \"ttft_ms.p99\")"

local function positive_number(v, path, level)
  if type(v) ~= "number" or v ~= v or v <= 0 or v == math.huge then
    fail(format("%s must be a positive number, got %s", path, tostring(v)), level + 1)
  end
  return v
end

local function check_slo(slo)
  if type(slo) ~= "table" then fail("'slo' must be a table, e.g. { [\"ttft_ms.p99\"] = 2000 }", 4) end
  local out = { limits = {}, attainment = nil }
  for _, key in ipairs(util.sorted_keys(slo)) do
    local v = slo[key]
    if key == "attainment" then
      if type(v) ~= "table" then fail("slo.attainment must be a table { ttft_ms = ..., fraction = 0.99 }", 4) end
      local a = { targets = {}, fraction = nil }
      for _, k in ipairs(util.sorted_keys(v)) do
        if k == "fraction" then
          a.fraction = v.fraction
          if type(a.fraction) ~= "number" or not (a.fraction > 0 and a.fraction <= 1) then
            fail(format("slo.attainment.fraction must be a number in (0, 1], got %s", tostring(v.fraction)), 4)
          end
        elseif latency_blocks[k] then
          a.targets[#a.targets + 1] = { metric = k, max = positive_number(v[k], "slo.attainment." .. k, 4) }
        else
          fail(format("slo.attainment.%s: unknown key (per-request targets: ttft_ms, itl_ms, e2e_ms, "
                      .. "scheduling_delay_ms; and fraction)", tostring(k)), 4)
        end
      end
      if a.fraction == nil then fail("slo.attainment.fraction is missing (the share of requests that must meet the targets)", 4) end
      if #a.targets == 0 then fail("slo.attainment names no per-request target (ttft_ms, itl_ms, e2e_ms, ...)", 4) end
      out.attainment = a
    elseif is_metric(key) then
      out.limits[#out.limits + 1] = { metric = key, max = positive_number(v, format("slo[\"%s\"]", key), 4) }
    else
      fail(format("slo[\"%s\"]: unknown metric: an SLO is %s, or attainment = {...}", tostring(key), metric_hint), 4)
    end
  end
  if #out.limits == 0 and out.attainment == nil then fail("'slo' sets no objective", 4) end
  return out
end

local function check_knee(knee)
  if knee == nil then return nil end
  if type(knee) ~= "table" then fail("'knee' must be a table { low = ..., high = ..., tolerance = 0.05 }", 4) end
  for _, k in ipairs(util.sorted_keys(knee)) do
    if k ~= "low" and k ~= "high" and k ~= "tolerance" and k ~= "step" then
      fail(format("knee.%s: unknown key (low, high, and tolerance or step)", tostring(k)), 4)
    end
  end
  local out = { low = positive_number(knee.low, "knee.low", 4), high = positive_number(knee.high, "knee.high", 4) }
  if out.high <= out.low then fail(format("knee.high (%s) must be above knee.low (%s)", knee.high, knee.low), 4) end
  if knee.tolerance ~= nil and knee.step ~= nil then
    fail("knee: give tolerance (relative) or step (req/s), not both", 4)
  end
  if knee.step ~= nil then
    out.step = positive_number(knee.step, "knee.step", 4)
  else
    out.tolerance = knee.tolerance == nil and 0.05 or positive_number(knee.tolerance, "knee.tolerance", 4)
    if out.tolerance >= 1 then fail("knee.tolerance is relative (0.05 = 5%): it must be below 1", 4) end
  end
  return out
end

-- The catalog's name and price of a GPU, read once per name (the host reads the catalog file).
local catalog_cache = {}
local function catalog_price(gpu)
  local entry = catalog_cache[gpu]
  if entry == nil then
    local canonical, price = require("blis.host").gpu_price(gpu)
    entry = { canonical = canonical, price = price }
    catalog_cache[gpu] = entry
  end
  return entry.canonical, entry.price
end

-- The GPU, GPU count and price of one configuration's scenario (its raw table).
local function resources(raw, prices)
  local model, latency = raw.model or {}, raw.latency or {}
  local tp = latency.tp or model.tp or 1
  local gpu = latency.gpu or model.gpu
  local out = { gpus = (raw.instances or 1) * tp, tp = tp }
  if gpu ~= nil then
    local canonical, listed = catalog_price(gpu)
    out.gpu = canonical or gpu
    out.usd_per_gpu_hour = prices[gpu] or (canonical and prices[canonical]) or listed
  end
  if out.usd_per_gpu_hour ~= nil then out.usd_per_hour = out.usd_per_gpu_hour * out.gpus end
  out.named_gpu = gpu
  return out
end

-- The plan: configs (index from 0, labels, values, text), the checked SLO, objective, rates.
function M.plan(t)
  if type(t) ~= "table" then fail("takes a table: blis.search{ base = ..., knobs = ..., slo = ..., objective = ... }", 3) end
  for _, k in ipairs(util.sorted_keys(t)) do
    local found = false
    for _, name in ipairs(known_keys) do found = found or k == name end
    if not found then
      local near = type(k) == "string" and util.closest(k, known_keys)
      fail(format("unknown key '%s'%s", tostring(k), near and format(" (did you mean '%s'?)", near) or ""), 3)
    end
  end
  local blis = require "blis"
  local base = t.base
  if type(base) ~= "function" and not (type(base) == "table" and blis._raw_scenario(base)) then
    fail("'base' must be a scenario (blis.scenario{...}) or a function(config) returning one", 3)
  end
  local plan = { name = t.name, base = base, knobs = {}, seeds = {}, objective = t.objective, top = t.top,
                 judge = t.judge or "upper_ci", print = t.print ~= false }
  if type(plan.objective) ~= "string" or not objectives[plan.objective] then
    fail(format("'objective' must be \"fewest_gpus\", \"lowest_cost\" or \"highest_rate\", got %s", tostring(t.objective)), 3)
  end
  if not judges[plan.judge] then fail(format("'judge' must be \"upper_ci\" or \"mean\", got %s", tostring(t.judge)), 3) end
  if plan.top ~= nil and (type(plan.top) ~= "number" or plan.top < 1 or plan.top ~= floor(plan.top)) then
    fail("'top' must be a whole number of at least 1", 3)
  end
  if t.rate ~= nil then plan.rate = positive_number(t.rate, "rate", 3) end
  if t.duration_s ~= nil then
    plan.duration_s = positive_number(t.duration_s, "duration_s", 3)
    if type(base) == "function" then fail("duration_s sets workload.requests of a table 'base'; a function 'base' "
                                          .. "gets config.rate and sizes its workload itself", 3) end
  end
  plan.knee = check_knee(t.knee)
  if plan.objective == "highest_rate" and plan.knee == nil then
    fail("objective \"highest_rate\" needs 'knee' = { low = ..., high = ... } (the rates the bisection searches)", 3)
  end
  if plan.objective ~= "highest_rate" and plan.rate == nil then
    fail(format("objective \"%s\" needs 'rate': the arrival rate (requests/s) the configurations must hold", plan.objective), 3)
  end
  plan.slo = check_slo(t.slo)
  plan.pareto_metric = t.pareto_metric or (plan.slo.limits[1] and plan.slo.limits[1].metric) or "ttft_ms.p99"
  if not is_metric(plan.pareto_metric) then fail(format("pareto_metric: %s is not %s", tostring(t.pareto_metric), metric_hint), 3) end
  plan.seeds = internal.seed_list(t.seeds, fail, 3)
  local prices = t.prices or {}
  if type(prices) ~= "table" then fail("'prices' must be a table { GPU = US$ per GPU-hour }", 3) end
  for _, gpu in ipairs(util.sorted_keys(prices)) do positive_number(prices[gpu], format("prices[\"%s\"]", tostring(gpu)), 3) end
  if type(t.knobs) ~= "table" or next(t.knobs) == nil then
    fail("'knobs' must name what the search varies, e.g. knobs = { instances = { 1, 2, 4 }, tp = { 1, 2 } }", 3)
  end
  for _, name in ipairs(util.sorted_keys(t.knobs)) do
    if type(name) ~= "string" then fail("knobs: names must be strings", 3) end
    if name == "rate" or name == "workload.rate" or name == "seed" then
      fail(format("knobs.%s: the search sets the rate and the seed itself (see 'rate', 'knee' and 'seeds')", name), 3)
    end
    plan.knobs[#plan.knobs + 1] = { name = name, values = internal.axis_values(name, t.knobs[name], "knobs") }
  end
  plan.configs = M.configs(plan, prices)
  for _, c in ipairs(plan.configs) do
    local gpu = c.resources.named_gpu
    if plan.objective == "lowest_cost" and c.resources.usd_per_hour == nil then
      fail(format("configuration %s: no price for its GPU %s: the catalog has none (blis gpus); give prices = { [\"%s\"] = "
                  .. "US$ per GPU-hour }", c.text, gpu and ("'" .. gpu .. "'") or "(the scenario names no gpu)",
                  tostring(gpu or "GPU")), 3)
    end
  end
  return plan
end

-- Every combination of knob values (knobs in name order, the first varying slowest), with its
-- GPUs and price.
function M.configs(plan, prices)
  local configs = {}
  for i, c in ipairs(internal.combinations(plan.knobs)) do
    c.index, c.text, c.parts = i - 1, concat(c.parts, " "), nil
    local raw = require("blis")._raw_scenario(M.scenario(plan, c, plan.rate or plan.knee.low, plan.seeds[1]))
    c.resources = resources(raw, prices)
    configs[i] = c
  end
  return configs
end

-- The scenario of one configuration at one rate and seed (built where the point runs).
function M.scenario(plan, config, rate, seed)
  local blis = require "blis"
  local scenario
  if type(plan.base) == "function" then
    local arg = { rate = rate, seed = seed }
    for k, v in pairs(config.values) do arg[k] = v end
    local s = plan.base(arg)
    scenario = type(s) == "table" and blis._raw_scenario(s)
    if not scenario then fail("what 'base' returns must be a scenario made by blis.scenario{...}", 3) end
  else
    scenario = blis._raw_scenario(plan.base)
    for _, knob in ipairs(plan.knobs) do
      internal.set_path(scenario, knob_aliases[knob.name] or internal.aliases[knob.name] or knob.name,
                        config.values[knob.name])
    end
    if type(scenario.workload) ~= "table" then fail("'base' has no workload table to set the rate in", 3) end
    scenario.workload.rate = rate
    -- The same simulated time at every rate: a fixed request count would test a high rate for
    -- only a short burst, which a queue absorbs.
    if plan.duration_s then scenario.workload.requests = math.max(1, floor(rate * plan.duration_s + 0.5)) end
  end
  scenario.seed = seed
  return blis.scenario(scenario)
end

return M
