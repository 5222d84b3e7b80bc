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

local function copy(v)
  if type(v) ~= "table" then return v end
  local out = {}
  for k, x in pairs(v) do out[k] = copy(x) end  -- builds a table; no order reaches output
  return out
end

-- blis.scenario{...}: the checked scenario (a copy of the argument, integers normalized).
function M.scenario(t)
  local s = setmetatable(checked("blis.scenario", schema.check_scenario, t), scenario_mt)
  raw_of[s] = copy(t)
  return s
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


-- For the C++ loader (bindings/scenario_loader.cpp); not part of the user API.
M._loader = {
  begin = params.begin,
  unknown_params = params.unknown_message,
  params_help = params.help_lines,
  is_scenario = function(t)
    return type(t) == "table" and getmetatable(t) == scenario_mt
  end,
  key_paths = schema.key_paths,
  verdicts = experiment._verdicts,
}


return M
