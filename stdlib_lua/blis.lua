-- The `blis` module: the vocabulary of scenario files. A scenario ends with
--     return blis.scenario{ model = {...}, engine = {...}, workload = blis.workload.distribution{...} }
-- Validation happens here, so a mistake is reported with the user's file:line; the C++ loader
-- (bindings/scenario_loader.cpp) is the only place the values become engine configuration.
-- `blis` is a global in scenario files and also available as require "blis".
local M = {}

local type, ipairs, pairs, pcall, error, getmetatable, setmetatable =
  type, ipairs, pairs, pcall, error, getmetatable, setmetatable

local util = require "blis.util"
local schema = require "blis.schema"
local params = require "blis.params"
local locate = require "blis.locate"

M.version = "0.1.0"

M.sorted_keys = util.sorted_keys
M.sorted_pairs = util.sorted_pairs


-- Runs check(...); a schema problem becomes an error blaming the user's line, anything else
-- (a bug in the stdlib) propagates as it is.
local function checked(api, check, ...)
  local ok, result = pcall(check, ...)
  if ok then return result end
  if type(result) == "table" and result.message ~= nil then util.raise(api, result.message, result.path) end
  error(result, 0)
end


-- Marks the tables blis.scenario returned: the loader accepts nothing else.
local scenario_mt = { __name = "blis.scenario" }


-- The tables given to blis.scenario, by the checked scenario made from them: experiments
-- rebuild a point's scenario from what the user wrote, not from the checked form.
local raw_of = setmetatable({}, { __mode = "k" })

-- A deep copy. A table that contains itself (t.self = t) cannot be copied, nor written as a
-- workload spec: it is reported with its key path instead of recursing until the C stack ends.
local function copy_at(v, path, open)
  if type(v) ~= "table" then return v end
  if open[v] then
    local shown = util.path_string(path)
    error({ path = path, message = "'" .. shown .. "' refers to a table that contains it "
                                   .. "(a scenario cannot hold a table inside itself)" }, 0)
  end
  open[v] = true
  local out = {}
  for _, k in ipairs(util.sorted_keys(v)) do  -- sorted: the first cycle reported is always the same one
    path[#path + 1] = k
    out[k] = copy_at(v[k], path, open)
    path[#path] = nil
  end
  open[v] = nil
  return out
end

local function copy(v)
  return copy_at(v, {}, {})
end

-- Where each checked scenario was made: { source, short_src, line } of the blis.scenario call.
local site_of = setmetatable({}, { __mode = "k" })

-- blis.scenario{...}: the checked scenario (a copy of the argument, integers normalized).
function M.scenario(t)
  local s = setmetatable(checked("blis.scenario", schema.check_scenario, t), scenario_mt)
  raw_of[s] = checked("blis.scenario", copy, t)
  local source, short_src, line = util.user_call_site()
  if source ~= nil then site_of[s] = { source = source, short_src = short_src, line = line } end
  return s
end

-- For the C++ loader: "file:line" of every key path of the scenario down to two levels
-- ("engine.kv_blocks", "workload.rate") and of the call itself (key ""), so a value found
-- invalid when the scenario is resolved can be blamed on the line that set it. Lines the
-- source does not show literally fall back to the blis.scenario call's line.
local function key_sites(s)
  local site = site_of[s]
  if site == nil or site.source:sub(1, 1) ~= "@" then return {} end  -- a file's lines only
  local names, lists = {}, {}
  for _, key in ipairs(util.sorted_keys(s)) do
    if type(key) == "string" then
      names[#names + 1], lists[#lists + 1] = key, { key }
      local v = s[key]
      if type(v) == "table" and getmetatable(v) == nil then
        for _, inner in ipairs(util.sorted_keys(v)) do
          if type(inner) == "string" then
            names[#names + 1], lists[#lists + 1] = key .. "." .. inner, { key, inner }
          end
        end
      end
    end
  end
  local lines = locate.key_lines(site.source:sub(2), site.line, "scenario", lists)
  local out = { [""] = site.short_src .. ":" .. site.line }
  for i, name in ipairs(names) do out[name] = site.short_src .. ":" .. (lines[i] or site.line) end
  return out
end

-- For blis.experiment: a copy of the table a checked scenario was made from.
function M._raw_scenario(s)
  local raw = raw_of[s]
  if raw == nil then return nil end
  return copy(raw)
end


-- blis.workload.distribution{...} and friends: a workload table with its `kind`.
M.workload = {}
for _, kind in ipairs(schema.workload_kinds) do
  local api = "blis.workload." .. kind
  M.workload[kind] = function(t)
    return checked(api, schema.check_workload_args, kind, t)
  end
end


-- blis.params{ name = default, name = {"description", default} }: see blis.params.lua.
M.params = params.declare


-- blis.scorer{ name, score = function(req, inst), prepare = function(req, cluster),
-- prefix_index = true }: a routing scorer with a name and options (see blis.policy.lua).
M.scorer = require("blis.policy").scorer


-- For report hooks: blis.jain_fairness{...}, blis.slo_attainment(results.requests, targets),
-- blis.tenant_throughput(results) (see blis.metrics.lua).
local metrics = require "blis.metrics"
M.jain_fairness = metrics.jain_fairness
M.slo_attainment = metrics.slo_attainment
M.tenant_throughput = metrics.tenant_throughput


-- Experiments: blis.experiment{ base, vary, seeds, collect } and blis.expect(condition, claim)
-- (see blis.experiment.lua and docs/experiments.md).
local experiment = require "blis.experiment"
M.experiment = experiment.experiment
M.expect = experiment.expect


-- Capacity planning: blis.search{ base, knobs, seeds, slo, objective, rate, knee, prices } (see
-- blis.search.lua and docs/planning.md). Loaded here, before user code, as it takes the file
-- writer blis.experiment hands out once.
M.search = require("blis.search").search


-- For the C++ loader (bindings/scenario_loader.cpp); not part of the user API.
M._loader = {
  begin = params.begin,
  unknown_params = params.unknown_message,
  take_undeclared = params.take_undeclared,
  params_help = params.help_lines,
  is_scenario = function(t)
    return type(t) == "table" and getmetatable(t) == scenario_mt
  end,
  key_paths = schema.key_paths,
  key_sites = key_sites,
  verdicts = experiment._verdicts,
}


return M
