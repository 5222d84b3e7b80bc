-- blis.experiment{...}: a sweep of simulations (axes x seeds), run in parallel, compared in
-- tables, judged by expectations. See docs/experiments.md.
--
--   local ex = blis.experiment{
--     base    = scenario_table | function(point) return blis.scenario{...} end,
--     vary    = { routing = { rr = {...}, pa = {...} }, ["workload.rate"] = { 20, 40 } },
--     seeds   = { 42, 123, 456 },
--     collect = { "ttft_ms.p99", "cache_hit_rate", hit = function(results) return ... end },
--   }
--   local res = ex:run()
--   res:table("ttft_ms.p99", { baseline = { routing = "rr" } })
--   res:expect("prefix-affinity lowers p99 TTFT", "ttft_ms.p99", { routing = "pa" }, "<", { routing = "rr" })
--
-- How a sweep runs (bindings/experiment_runner.cpp): the script runs once in the main Lua state;
-- ex:run() hands the list of points to C++, which runs each point in a fresh Lua state on a
-- worker thread. There the same script runs again up to the same ex:run() call, which then
-- builds that one point's scenario (so policy functions are the worker's own), simulates it,
-- collects the metrics and stops the script. Only plain numbers come back. A point's results
-- therefore never depend on which other points ran, or where: the output is the same for any
-- --jobs and across --shard slices.
local M = {}

local util = require "blis.util"
-- The host's file writer (engine/core/atomic_file.h), taken out of blis.host so that only this
-- module holds it: user code reaching blis.host must not get a way to write arbitrary files
-- around the sandbox. blis.lua loads this module before any user code runs.
local host = require "blis.host"
local write_file_safely = host.write_file
host.write_file = nil

local type, pairs, ipairs, tostring, tonumber, error, setmetatable, getmetatable, select =
  type, pairs, ipairs, tostring, tonumber, error, setmetatable, getmetatable, select
local format, concat, sort, floor, sqrt, huge = string.format, table.concat, table.sort, math.floor, math.sqrt,
  math.huge

local runs = 0          -- ex:run() calls so far in this script (worker states replay them)
local verdicts = { confirmed = 0, refuted = 0 }

-- Scenario keys an axis may name by a short name.
local aliases = { rate = "workload.rate", requests = "workload.requests", kv_blocks = "engine.kv_blocks",
                  max_running = "engine.max_running", scheduler = "engine.scheduler" }


local function fail(message, level)
  error("blis.experiment: " .. message, (level or 1) + 1)
end


local function label_of(axis, value, i)
  local t = type(value)
  if t == "number" then
    if value == floor(value) and value > -1e15 and value < 1e15 then return format("%d", value) end
    return format("%.6g", value)
  elseif t == "string" then
    return value
  elseif t == "boolean" then
    return tostring(value)
  end
  fail(format("axis '%s' value %d is a %s: give %s values names, e.g. %s = { name_a = ..., name_b = ... }",
              axis, i, t, t, axis), 4)
end


-- An axis: { {label, value}, ... } in declaration order (lists) or label order (maps). `table_key`
-- names the table the axis is in, for messages ("vary"; blis.search's "knobs").
local function axis_values(axis, spec, table_key)
  table_key = table_key or "vary"
  if type(spec) ~= "table" then
    fail(format("%s.%s must be a list of values or a table of named values, got a %s", table_key, axis, type(spec)), 3)
  end
  local out = {}
  if #spec > 0 then
    for i, v in ipairs(spec) do out[#out + 1] = { label_of(axis, v, i), v } end
  else
    for _, label in ipairs(util.sorted_keys(spec)) do
      if type(label) ~= "string" then fail(format("%s.%s: names must be strings", table_key, axis), 3) end
      out[#out + 1] = { label, spec[label] }
    end
  end
  if #out == 0 then fail(format("%s.%s has no values", table_key, axis), 3) end
  return out
end


-- A `seeds` list checked (default { 42 }), copied; a mistake is fail_with(message, level + 1),
-- `level` being the checking function's caller as `fail` counts it.
local function seed_list(seeds, fail_with, level)
  seeds = seeds or { 42 }
  if type(seeds) ~= "table" or #seeds == 0 then fail_with("'seeds' must be a non-empty list of integers", level + 1) end
  local out = {}
  for i, s in ipairs(seeds) do
    if type(s) ~= "number" or s ~= floor(s) then fail_with(format("seeds[%d] must be an integer", i), level + 1) end
    out[i] = s
  end
  return out
end


local function deep_copy(v)
  if type(v) ~= "table" then return v end
  local out = {}
  for k, x in pairs(v) do out[k] = deep_copy(x) end  -- order-free: builds a table
  return out
end


local function set_path(t, path, value)
  local node = t
  local parts = {}
  for part in path:gmatch("[^%.]+") do parts[#parts + 1] = part end
  for i = 1, #parts - 1 do
    local next_node = node[parts[i]]
    if next_node == nil then
      next_node = {}
      node[parts[i]] = next_node
    elseif type(next_node) ~= "table" then
      fail(format("cannot set '%s': '%s' is not a table in the base scenario", path, concat(parts, ".", 1, i)), 4)
    end
    node = next_node
  end
  node[parts[#parts]] = deep_copy(value)
end


local Experiment = {}
Experiment.__index = Experiment


-- blis.experiment{ base, vary, seeds, collect, name }
function M.experiment(t)
  if type(t) ~= "table" then fail("takes a table: blis.experiment{ base = ..., vary = ..., collect = ... }", 2) end
  local known = { base = true, vary = true, seeds = true, collect = true, name = true }
  for _, k in ipairs(util.sorted_keys(t)) do
    if not known[k] then
      local near = type(k) == "string" and util.closest(k, { "base", "vary", "seeds", "collect", "name" })
      fail(format("unknown key '%s'%s", tostring(k), near and format(" (did you mean '%s'?)", near) or ""), 2)
    end
  end
  local base = t.base
  if type(base) ~= "function" and not (type(base) == "table" and require("blis")._raw_scenario(base)) then
    fail("'base' must be a scenario (blis.scenario{...}) or a function(point) returning one", 2)
  end
  local ex = setmetatable({ base = base, name = t.name, axes = {}, seeds = {}, collect = {} }, Experiment)
  for _, axis in ipairs(util.sorted_keys(t.vary or {})) do
    if type(axis) ~= "string" then fail("vary: axis names must be strings", 2) end
    if axis == "seed" then fail("vary.seed: list the seeds in 'seeds' instead", 2) end
    ex.axes[#ex.axes + 1] = { name = axis, values = axis_values(axis, t.vary[axis]) }
  end
  ex.seeds = seed_list(t.seeds, fail, 2)
  local collect = t.collect
  if type(collect) ~= "table" then fail("'collect' must list the metrics, e.g. { \"ttft_ms.p99\", \"cache_hit_rate\" }", 2) end
  for i, name in ipairs(collect) do
    if type(name) ~= "string" then fail(format("collect[%d] must be a metric name (a string)", i), 2) end
    ex.collect[#ex.collect + 1] = { name = name }
  end
  for _, name in ipairs(util.sorted_keys(collect)) do
    if type(name) == "string" then
      if type(collect[name]) ~= "function" then
        fail(format("collect.%s must be a function(results) returning a number", name), 2)
      end
      ex.collect[#ex.collect + 1] = { name = name, fn = collect[name] }
    end
  end
  if #ex.collect == 0 then fail("'collect' names no metric", 2) end
  return ex
end


-- Every combination of the axes' values, the first axis varying slowest: { labels, values, parts }
-- each, `parts` its "axis=label" texts (blis.search's configurations are these too).
local function combinations(axes)
  local out, choice = {}, {}
  local function walk(depth)
    if depth > #axes then
      local c = { labels = {}, values = {}, parts = {} }
      for i, axis in ipairs(axes) do
        local entry = axis.values[choice[i]]
        c.labels[axis.name], c.values[axis.name] = entry[1], entry[2]
        c.parts[i] = axis.name .. "=" .. entry[1]
      end
      out[#out + 1] = c
      return
    end
    for i = 1, #axes[depth].values do
      choice[depth] = i
      walk(depth + 1)
    end
  end
  walk(1)
  return out
end


-- Every point: axes in name order (first slowest), seeds innermost.
function Experiment:points()
  local points = {}
  for _, c in ipairs(combinations(self.axes)) do
    for _, seed in ipairs(self.seeds) do
      local parts = {}
      for i, part in ipairs(c.parts) do parts[i] = part end
      parts[#parts + 1] = "seed=" .. format("%d", seed)
      points[#points + 1] = { index = #points, labels = c.labels, values = c.values, seed = seed,
                              description = concat(parts, " ") }
    end
  end
  return points
end


-- The scenario of one point (built where the point runs).
function Experiment:scenario_for(p)
  local blis = require "blis"
  local function raw(s, what)
    local t = type(s) == "table" and blis._raw_scenario(s)
    if not t then fail(what .. " must be a scenario made by blis.scenario{...}", 3) end
    return t
  end
  local scenario
  if type(self.base) == "function" then
    local arg = {}
    for k, v in pairs(p.values) do arg[k] = v end
    arg.seed = p.seed
    scenario = raw(self.base(arg), "what 'base' returns")
  else
    scenario = raw(self.base, "'base'")
    for _, axis in ipairs(self.axes) do
      set_path(scenario, aliases[axis.name] or axis.name, p.values[axis.name])
    end
  end
  scenario.seed = p.seed
  return blis.scenario(scenario)
end


-- A metric from a run's results: a dotted path into the results table, looked up at the top
-- level and then in the cluster block ("ttft_ms.p99" is results.cluster.ttft_ms.p99).
local function lookup(results, path)
  local function walk(t)
    for part in path:gmatch("[^%.]+") do
      if type(t) ~= "table" then return nil end
      t = t[part]
    end
    return t
  end
  local v = walk(results)
  if v == nil then v = walk(results.cluster) end
  return v
end


function Experiment:measure(results)
  local out = {}
  for _, c in ipairs(self.collect) do
    local v
    if c.fn then
      v = c.fn(results)
    else
      v = lookup(results, c.name)
      if v == nil then
        error(format("collect: the results have no metric '%s' (e.g. ttft_ms.p99, e2e_ms.mean, itl_ms.p50, "
                     .. "responses_per_sec, tokens_per_sec, completed, preemptions, cache_hit_rate, rejected)",
                     c.name), 0)
      end
    end
    if type(v) ~= "number" then
      error(format("collect: metric '%s' is a %s, not a number", c.name, type(v)), 0)
    end
    out[c.name] = v
  end
  return out
end


function Experiment:run()
  M._next_run()
  local points = self:points()
  local descriptions = {}
  for i, p in ipairs(points) do descriptions[i] = p.description end
  local names = {}
  for i, c in ipairs(self.collect) do names[i] = c.name end
  local blis = require "blis"
  local worker = blis._worker
  if worker ~= nil and worker.run == runs then
    -- This state exists to run one point: simulate it and stop the script here.
    local p = points[worker.point + 1]
    local results = blis._simulate(self:scenario_for(p))
    blis._point_done(self:measure(results), names)
  end
  local raw, files
  if worker ~= nil then
    raw = worker.prior[runs]  -- an earlier experiment of the script, already run by the main state
  else
    if runs == 1 then
      local unknown = blis._loader.unknown_params()
      if unknown then error(unknown, 2) end
    end
    raw, files = blis._sweep(runs, descriptions, names)
  end
  local res = M.results(self, points, raw)
  if files ~= nil then
    if files.csv then res:write_csv(files.csv) end
    if files.json then res:write_json(files.json) end
    if files.html then blis._html_experiment(res:chart_data()) end
  end
  return res
end


-- ---- results -----------------------------------------------------------------------------

local Results = {}
Results.__index = Results


function M.results(ex, points, raw)
  local res = setmetatable({ experiment = ex, points = {}, axes = ex.axes, metric_names = {} }, Results)
  for i, c in ipairs(ex.collect) do res.metric_names[i] = c.name end
  for i, p in ipairs(points) do
    local r = raw[i] or {}
    res.points[i] = { index = p.index, labels = p.labels, values = p.values, seed = p.seed,
                      description = p.description, metrics = r.metrics or {}, error = r.error }
  end
  return res
end


local function matches(p, filter)
  if filter == nil then return true end
  for axis, want in pairs(filter) do
    if axis == "seed" then
      if p.seed ~= want then return false end
    elseif p.labels[axis] ~= (type(want) == "number" and label_of(axis, want, 1) or want) then
      return false
    end
  end
  return true
end


function Results:check_metric(metric, level)
  for _, name in ipairs(self.metric_names) do
    if name == metric then return end
  end
  error(format("blis.experiment results: no metric '%s' was collected (collected: %s)", tostring(metric),
               concat(self.metric_names, ", ")), (level or 1) + 1)
end


function Results:check_filter(filter, level)
  if filter == nil then return end
  if type(filter) ~= "table" then error("blis.experiment results: a filter is a table { axis = label }", level + 1) end
  for _, axis in ipairs(util.sorted_keys(filter)) do
    local found = axis == "seed"
    for _, a in ipairs(self.axes) do
      if a.name == axis then found = true end
    end
    if not found then
      error(format("blis.experiment results: the filter names axis '%s', which the experiment does not vary",
                   tostring(axis)), level + 1)
    end
  end
end


-- The values of `metric` at the points matching `filter` (every seed), in point order; points
-- that failed are left out.
function Results:values(metric, filter)
  self:check_metric(metric, 2)
  self:check_filter(filter, 2)
  local out = {}
  for _, p in ipairs(self.points) do
    if matches(p, filter) and p.error == nil and p.metrics[metric] ~= nil then out[#out + 1] = p.metrics[metric] end
  end
  return out
end


-- Two-sided 95% Student t quantiles by degrees of freedom (1..30); the normal value beyond.
local t975 = { 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
               2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
               2.045, 2.042 }

-- mean, 95% confidence half-width (0 for one value), n
local function summarize(values)
  local n = #values
  if n == 0 then return nil, nil, 0 end
  local sum = 0
  for _, v in ipairs(values) do sum = sum + v end
  local mean = sum / n
  if n == 1 then return mean, 0, 1 end
  local ss = 0
  for _, v in ipairs(values) do ss = ss + (v - mean) * (v - mean) end
  local sd = sqrt(ss / (n - 1))
  return mean, (t975[n - 1] or 1.960) * sd / sqrt(n), n
end
M.summarize = summarize


function Results:mean(metric, filter)
  local mean = summarize(self:values(metric, filter))
  return mean
end


-- mean, low, high (95% confidence interval across the matching points)
function Results:ci(metric, filter)
  local mean, half = summarize(self:values(metric, filter))
  if mean == nil then return nil end
  return mean, mean - half, mean + half
end


local function number_text(v, fmt)
  if v == nil then return "-" end
  if v ~= v then return "nan" end
  if v == huge then return "inf" end
  if v == -huge then return "-inf" end
  if fmt then return format(fmt, v) end
  local a = v < 0 and -v or v
  if a >= 1000 then return format("%.1f", v) end
  if a >= 1 then return format("%.3f", v) end
  return format("%.4f", v)
end


local function pad(s, width, right)
  if #s >= width then return s end
  if right then return string.rep(" ", width - #s) .. s end
  return s .. string.rep(" ", width - #s)
end


local function render(rows, right_from)
  local widths = {}
  for _, row in ipairs(rows) do
    for i, cell in ipairs(row) do
      if #cell > (widths[i] or 0) then widths[i] = #cell end
    end
  end
  local lines = {}
  for _, row in ipairs(rows) do
    local cells = {}
    for i, cell in ipairs(row) do cells[i] = pad(cell, widths[i], i >= right_from) end
    lines[#lines + 1] = (concat(cells, "  "):gsub("%s+$", ""))
  end
  return concat(lines, "\n") .. "\n"
end


-- The groups of points that differ only by seed, in point order.
function Results:groups(filter)
  local groups, by_key = {}, {}
  for _, p in ipairs(self.points) do
    if matches(p, filter) then
      local parts = {}
      for _, axis in ipairs(self.axes) do parts[#parts + 1] = p.labels[axis.name] end
      local key = concat(parts, "\0")
      local g = by_key[key]
      if g == nil then
        g = { labels = p.labels, points = {} }
        by_key[key] = g
        groups[#groups + 1] = g
      end
      g.points[#g.points + 1] = p
    end
  end
  return groups
end


-- res:table(metric, { baseline = { axis = label }, filter = {...}, format = "%.2f" }): one row
-- per combination of axis values: mean and 95% CI across seeds, and the ratio of the mean to
-- the baseline row that agrees on every other axis. Printed on stdout; also returned.
function Results:table(metric, opts)
  self:check_metric(metric, 2)
  opts = opts or {}
  self:check_filter(opts.filter, 2)
  self:check_filter(opts.baseline, 2)
  local header = {}
  for _, axis in ipairs(self.axes) do header[#header + 1] = axis.name end
  local first_number = #header + 1
  header[#header + 1] = "n"
  header[#header + 1] = "mean"
  header[#header + 1] = "95% CI"
  if opts.baseline then header[#header + 1] = "vs baseline" end
  local rows = { header }
  local groups = self:groups(opts.filter)
  local function group_mean(g)
    local values = {}
    for _, p in ipairs(g.points) do
      if p.error == nil and p.metrics[metric] ~= nil then values[#values + 1] = p.metrics[metric] end
    end
    return summarize(values)
  end
  for _, g in ipairs(groups) do
    local mean, half, n = group_mean(g)
    local row = {}
    for _, axis in ipairs(self.axes) do row[#row + 1] = g.labels[axis.name] end
    local failed = #g.points - n
    row[#row + 1] = failed > 0 and format("%d (%d failed)", n, failed) or format("%d", n)
    row[#row + 1] = number_text(mean, opts.format)
    row[#row + 1] = mean and format("[%s, %s]", number_text(mean - half, opts.format),
                                    number_text(mean + half, opts.format)) or "-"
    if opts.baseline then
      -- the baseline row: this row's labels with the baseline's axes replaced
      local want = {}
      for k, v in pairs(g.labels) do want[k] = v end
      for k, v in pairs(opts.baseline) do want[k] = type(v) == "number" and label_of(k, v, 1) or v end
      local base_group
      for _, b in ipairs(groups) do
        local same = true
        for _, axis in ipairs(self.axes) do
          if b.labels[axis.name] ~= want[axis.name] then same = false end
        end
        if same then base_group = b end
      end
      local base_mean = base_group and group_mean(base_group)
      if mean == nil or base_mean == nil then
        row[#row + 1] = "-"
      elseif base_group == g then
        row[#row + 1] = "1.00x"
      else
        row[#row + 1] = base_mean ~= 0 and format("%.2fx", mean / base_mean) or "-"
      end
    end
    rows[#rows + 1] = row
  end
  local title = format("%s%s (mean over %d seed%s)", self.experiment.name and (self.experiment.name .. ": ") or "",
                       metric, #self.experiment.seeds, #self.experiment.seeds == 1 and "" or "s")
  local text = title .. "\n" .. render(rows, first_number)
  io.write(text, "\n")
  return text
end


-- ---- verdicts ----------------------------------------------------------------------------

local function verdict(ok, claim, detail)
  if ok then verdicts.confirmed = verdicts.confirmed + 1 else verdicts.refuted = verdicts.refuted + 1 end
  local line = format("%-9s  %s", ok and "CONFIRMED" or "REFUTED", claim)
  if detail and detail ~= "" then line = line .. "\n           " .. detail end
  io.write(line, "\n")
  return ok
end


local function filter_text(filter)
  local parts = {}
  for _, k in ipairs(util.sorted_keys(filter or {})) do parts[#parts + 1] = k .. "=" .. tostring(filter[k]) end
  return #parts > 0 and concat(parts, " ") or "all points"
end


-- blis.expect(condition, claim, detail): a verdict line for any condition.
function M.expect(condition, claim, detail)
  if type(claim) ~= "string" then error("blis.expect(condition, claim): the claim must be a string", 2) end
  return verdict(condition and true or false, claim, detail)
end


local comparisons = {
  ["<"] = function(a, b) return a < b end, ["<="] = function(a, b) return a <= b end,
  [">"] = function(a, b) return a > b end, [">="] = function(a, b) return a >= b end,
}

-- res:expect(claim, metric, left_filter, op, right_filter): compares the means (across seeds
-- and any axis the filters leave open) of two sets of points. The claim is confirmed when the
-- means compare as `op` says and their 95% confidence intervals do not overlap, so a
-- difference within the noise of the seeds does not count.
function Results:expect(claim, metric, left, op, right)
  self:check_metric(metric, 2)
  self:check_filter(left, 2)
  self:check_filter(right, 2)
  local compare = comparisons[op]
  if compare == nil then error("res:expect: the operator must be one of <, <=, >, >=", 2) end
  local lm, ll, lh = self:ci(metric, left)
  local rm, rl, rh = self:ci(metric, right)
  if lm == nil or rm == nil then
    return verdict(false, claim, format("%s: no results for %s", metric, lm == nil and filter_text(left)
                                                                             or filter_text(right)))
  end
  local detail = format("%s: %s %s [%s, %s] %s %s %s [%s, %s] (ratio %s)", metric, filter_text(left),
                        number_text(lm), number_text(ll), number_text(lh), op, filter_text(right), number_text(rm),
                        number_text(rl), number_text(rh), rm ~= 0 and format("%.2f", lm / rm) or "-")
  local separated = (op:sub(1, 1) == "<" and lh < rl) or (op:sub(1, 1) == ">" and ll > rh)
  if compare(lm, rm) and not separated then
    detail = detail .. "; the 95% intervals overlap: not significant"
  end
  return verdict(compare(lm, rm) and separated, claim, detail)
end


-- res:expect_trend(claim, metric, axis, direction, filter): the mean of `metric` moves one way
-- along `axis` (in the order its values were given): "increasing" / "decreasing" strictly,
-- "non-decreasing" / "non-increasing" allowing equal neighbours.
function Results:expect_trend(claim, metric, axis, direction, filter)
  self:check_metric(metric, 2)
  self:check_filter(filter, 2)
  local steps = { increasing = function(a, b) return b > a end, decreasing = function(a, b) return b < a end,
                  ["non-decreasing"] = function(a, b) return b >= a end,
                  ["non-increasing"] = function(a, b) return b <= a end }
  local step = steps[direction]
  if step == nil then
    error("res:expect_trend: the direction must be increasing, decreasing, non-decreasing or non-increasing", 2)
  end
  local values
  for _, a in ipairs(self.axes) do
    if a.name == axis then values = a.values end
  end
  if values == nil then error(format("res:expect_trend: the experiment does not vary '%s'", tostring(axis)), 2) end
  local means, parts = {}, {}
  for i, entry in ipairs(values) do
    local f = {}
    for k, v in pairs(filter or {}) do f[k] = v end
    f[axis] = entry[1]
    means[i] = self:mean(metric, f)
    parts[i] = axis .. "=" .. entry[1] .. ": " .. number_text(means[i])
  end
  local ok = true
  for i = 2, #means do
    if means[i] == nil or means[i - 1] == nil or not step(means[i - 1], means[i]) then ok = false end
  end
  return verdict(ok, claim, format("%s %s along %s: %s", metric, direction, axis, concat(parts, ", ")))
end


-- ---- files -------------------------------------------------------------------------------

-- For --html (bindings/experiment_html.cpp): the axes (labels, and their numbers when every
-- value is a number), the metrics, and per combination of axis values (in point order) each
-- metric's seeds, mean and 95% interval, as Results:ci computes them.
function Results:chart_data()
  local axes = {}
  for i, axis in ipairs(self.axes) do
    local labels, numbers = {}, {}
    for j, entry in ipairs(axis.values) do
      labels[j] = entry[1]
      if numbers and type(entry[2]) == "number" then numbers[j] = entry[2] else numbers = nil end
    end
    axes[i] = { name = axis.name, labels = labels, numbers = numbers }
  end
  local groups, by_key = {}, {}
  for _, p in ipairs(self.points) do
    local key, indexes = {}, {}
    for i, axis in ipairs(self.axes) do
      key[i] = p.labels[axis.name]
      for j, entry in ipairs(axis.values) do
        if entry[1] == p.labels[axis.name] then indexes[i] = j break end
      end
    end
    key = concat(key, "\0")
    local g = by_key[key]
    if g == nil then
      g = { labels = indexes, values = {} }
      by_key[key] = g
      groups[#groups + 1] = g
    end
    for _, m in ipairs(self.metric_names) do
      local list = g.values[m] or {}
      g.values[m] = list
      if p.error == nil and p.metrics[m] ~= nil then list[#list + 1] = p.metrics[m] end
    end
  end
  for _, g in ipairs(groups) do
    g.stats = {}
    for i, m in ipairs(self.metric_names) do
      local mean, half, n = summarize(g.values[m])
      g.stats[i] = mean ~= nil and { n = n, mean = mean, low = mean - half, high = mean + half } or { n = 0 }
    end
    g.values = nil
  end
  return { name = self.experiment.name, axes = axes, metrics = self.metric_names, groups = groups }
end


local function csv_field(s)
  if s:find('[,"\r\n]') or s:find("^%s") then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end


local function exact(v)
  if v ~= v then return "nan" end
  if v == huge then return "inf" end
  if v == -huge then return "-inf" end
  if v == floor(v) and v > -1e15 and v < 1e15 then return format("%d", v) end
  for digits = 15, 16 do  -- the shortest of %.15g..%.17g that reads back exactly
    local s = format("%." .. digits .. "g", v)
    if tonumber(s) == v then return s end
  end
  return format("%.17g", v)
end


-- One row per point: index, axes, seed, every metric, error.
function Results:csv()
  local header = { "point" }
  for _, axis in ipairs(self.axes) do header[#header + 1] = csv_field(axis.name) end
  header[#header + 1] = "seed"
  for _, m in ipairs(self.metric_names) do header[#header + 1] = csv_field(m) end
  header[#header + 1] = "error"
  local lines = { concat(header, ",") }
  for _, p in ipairs(self.points) do
    local row = { format("%d", p.index) }
    for _, axis in ipairs(self.axes) do row[#row + 1] = csv_field(p.labels[axis.name]) end
    row[#row + 1] = format("%d", p.seed)
    for _, m in ipairs(self.metric_names) do
      local v = p.metrics[m]
      row[#row + 1] = v ~= nil and exact(v) or ""
    end
    row[#row + 1] = csv_field(p.error or "")
    lines[#lines + 1] = concat(row, ",")
  end
  return concat(lines, "\n") .. "\n"
end


local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    local named = { ['"'] = '\\"', ['\\'] = '\\\\', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
    return named[c] or format("\\u%04x", c:byte())
  end) .. '"'
end


function Results:json()
  local points = {}
  for _, p in ipairs(self.points) do
    local labels = {}
    for _, axis in ipairs(self.axes) do
      labels[#labels + 1] = json_string(axis.name) .. ": " .. json_string(p.labels[axis.name])
    end
    local metrics = {}
    for _, m in ipairs(self.metric_names) do
      local v = p.metrics[m]
      local text = v == nil and "null" or (v ~= v or v == huge or v == -huge) and json_string(exact(v)) or exact(v)
      metrics[#metrics + 1] = json_string(m) .. ": " .. text
    end
    points[#points + 1] = format('    {"point": %d, "axes": {%s}, "seed": %d, "metrics": {%s}, "error": %s}',
                                 p.index, concat(labels, ", "), p.seed, concat(metrics, ", "),
                                 p.error and json_string(p.error) or "null")
  end
  return format('{\n  "experiment": %s,\n  "points": [\n%s\n  ]\n}\n',
                self.experiment.name and json_string(self.experiment.name) or "null", concat(points, ",\n"))
end


-- Through the host's writer (temp file and rename, symlinks followed, devices written directly),
-- never io.open: the sandbox keeps io.open from writing. Errors name the caller's caller's line
-- (the script's res:write_csv(...)). blis.search passes the writer it was handed.
local function write_through(writer, path, text, what)
  if type(path) ~= "string" then error(what .. " path must be a string, got " .. type(path), 3) end
  local ok, why = writer(path, text, what)
  if not ok then error(why, 3) end
end

function Results:write_csv(path) write_through(write_file_safely, path, self:csv(), "the experiment CSV file") end
function Results:write_json(path) write_through(write_file_safely, path, self:json(), "the experiment JSON file") end


-- For the C++ runner: counts of verdicts so far.
function M._verdicts() return verdicts.confirmed, verdicts.refuted end


-- For blis.search (stdlib_lua/blis.search.lua), which runs its rounds of points through the same
-- sweeps: the run counter both share (a worker state counts ex:run() and search calls alike to
-- find its own), and the helpers it formats and builds scenarios with.
function M._next_run()
  runs = runs + 1
  return runs
end
M._internal = { write_through = write_through, axis_values = axis_values, combinations = combinations,
                seed_list = seed_list, set_path = set_path, aliases = aliases, lookup = lookup,
                summarize = summarize, number_text = number_text, render = render, exact = exact,
                json_string = json_string, csv_field = csv_field, label_of = label_of }
-- The file writer, handed once: blis.lua gives it to blis.search before any user code runs.
local writer_handed = false
function M._hand_writer()
  if writer_handed then return nil end
  writer_handed = true
  return write_file_safely
end


return M
