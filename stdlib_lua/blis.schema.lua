-- The scenario schema: every key blis.scenario{} and the blis.workload builders accept, with its
-- type. check_* validate a user table against it and return a normalized copy; a problem is
-- raised as { path = {...}, message = "..." } so the caller can blame the user's line for it.
-- The C++ loader (bindings/scenario_table.cpp) maps the same keys onto config::ScenarioSpec.
local M = {}

local type, pairs, ipairs, tostring, tonumber, error = type, pairs, ipairs, tostring, tonumber, error
local floor, huge = math.floor, math.huge
local sub, match, gsub = string.sub, string.match, string.gsub
local concat, sort = table.concat, table.sort

local ffi = require "ffi"
local util = require "blis.util"

local describe, path_string, sorted_keys = util.describe, util.path_string, util.sorted_keys


-- Field types: "integer" (an exact integer in the int64 range), "number", "string", "boolean",
-- "numbers" (a list of numbers), "workload" (a table made by a blis.workload builder),
-- "function", "policy" (a built-in name or a Lua function), "scorers" (the --routing-scorers
-- string or a list of {name-or-function, weight} pairs), "admission" (a table of the keys below,
-- or a function: the admission rule), or a table of nested keys.
local length = { mean = "integer", std = "integer", min = "integer", max = "integer" }

M.scenario = {
  seed = "integer",
  horizon_us = "integer",
  log = "string",
  defaults_file = "string",
  results_path = "string",
  format = "string",
  fitness_weights = "string",
  model = {
    name = "string", gpu = "string", tp = "integer", vllm_version = "string",
    alpha = "numbers", beta = "numbers", config_folder = "string", hardware_config = "string",
  },
  -- The latency model (blis): physics or profiled, chosen only when latency.model names one.
  latency = {
    model = "string", gpu = "string", tp = "integer", dp = "integer", ep = "integer",
    coefficients = "string", config = "string", profile = "string",
  },
  instances = "integer",
  engine = {
    kv_blocks = "integer", block_size_tokens = "integer", max_running = "integer",
    max_batched_tokens = "integer", long_prefill_threshold = "integer", max_model_len = "integer",
    scheduler = "string", priority = "string", kv_cpu_blocks = "integer",
    kv_offload_threshold = "number", kv_transfer_bandwidth = "number",
    kv_transfer_base_latency_us = "integer",
    -- blis: vLLM's KV sizing (physics/profiled without kv_blocks) and weight offload (physics)
    gpu_memory_utilization = "number", cpu_offload_gb = "number",
  },
  workload = "workload",
  admission = "admission",
  routing = { policy = "string", scorers = "scorers", latency_us = "integer", snapshot_refresh_us = "integer" },
  policy_config = "string",
  trace = { level = "string", counterfactual_k = "integer", summarize = "boolean", file = "string" },
  export = {
    workload = "string", workload_data = "string",
    requests_csv = "string", timeseries = "string", timeseries_interval_us = "integer", html = "string",
  },
  report = "function",
  -- compat = "reference" | "corrected", or { mode = ..., <correction> = true|false, ... }
  compat = "compat",
  -- The sandbox and run limits (docs/safety.md): sandbox = false opens the sandbox once the file
  -- has loaded (--unsafe opens it from the start).
  sandbox = "boolean",
  limits = { lua_instructions = "integer", lua_memory_mb = "integer", timeout_s = "number" },
}

-- admission = { ... } (or admission = rule, short for { policy = rule }).
M.admission = { policy = "policy", latency_us = "integer", capacity = "number", refill_per_s = "number" }

-- Workload kinds: their keys (besides `kind`) and the keys they cannot do without.
M.workloads = {
  distribution = {
    keys = { rate = "number", requests = "integer", prefix_tokens = "integer",
             prompt_tokens = length, output_tokens = length },
    required = {},
  },
  preset = { keys = { name = "string", rate = "number", requests = "integer" }, required = { "name" } },
  csv_trace = { keys = { path = "string" }, required = { "path" } },
  -- A trace v2 file (header YAML `path`, data CSV `data`, default: the header's name with .csv).
  trace_v2 = { keys = { path = "string", data = "string" }, required = { "path" } },
  -- An inference-perf config file (`path`), run as the harness runs it; `requests` caps it.
  inference_perf = { keys = { path = "string", requests = "integer" }, required = { "path" } },
  -- requests: an explicit cap that replaces the spec's num_requests (cluster-workload-trace §D.3)
  -- A WorkloadSpec: a YAML file (`path`) or the same keys inline (checked by the C++ reader,
  -- which holds a table to exactly the rules of a file).
  -- workload = function(gen) ... end: a Lua generator, pulled lazily (bindings/lua_workload.cpp).
  generator = { keys = { generate = "function" }, required = { "generate" } },
  spec = { keys = { path = "string", requests = "integer", version = "any", seed = "any", category = "any",
                    clients = "any", aggregate_rate = "any", horizon = "any", num_requests = "any",
                    servegen_data = "any", inference_perf = "any" },
           required = {} },
}
M.workload_kinds = sorted_keys(M.workloads)
for _, kind in ipairs(M.workload_kinds) do M.workloads[kind].keys.kind = "string" end


local article = { integer = "an integer", number = "a number", string = "a string", boolean = "a boolean",
                  numbers = "a list of numbers", ["function"] = "a function" }


local function fail(path, message)
  error({ path = path, message = message }, 0)
end


local function append(path, key)
  local out = {}
  for i = 1, #path do out[i] = path[i] end
  out[#path + 1] = key
  return out
end


local function quoted_path(path)
  return "'" .. path_string(path) .. "'"
end


-- Every leaf and table key of the scenario schema, with its full path, for "did you mean
-- 'engine.kv_blocks'?" when a key sits at the wrong level.
local key_homes = {}
local function index_keys(schema, prefix)
  for _, key in ipairs(sorted_keys(schema)) do
    local full = prefix == "" and key or (prefix .. "." .. key)
    if key_homes[key] == nil then key_homes[key] = full end
    local t = schema[key]
    if type(t) == "table" then
      index_keys(t, full)
    elseif t == "workload" then
      for _, kind in ipairs(M.workload_kinds) do index_keys(M.workloads[kind].keys, full) end
    elseif t == "admission" then
      index_keys(M.admission, full)
    end
  end
end
index_keys(M.scenario, "")


local function unknown_key(path, schema, at_root)
  local key = path[#path]
  local message = "unknown key " .. quoted_path(path)
  if type(key) ~= "string" then return message end
  local candidates = {}
  for name in pairs(schema) do candidates[#candidates + 1] = name end
  local near = util.closest(key, candidates)
  if near then return message .. " (did you mean '" .. near .. "'?)" end
  local home = at_root and key_homes[key]
  if home and home ~= path_string(path) then return message .. " (did you mean '" .. home .. "'?)" end
  if #candidates <= 12 then  -- a short list helps more than silence
    sort(candidates)
    return message .. " (expected one of " .. concat(candidates, ", ") .. ")"
  end
  return message
end


local INT64_MAX = "9223372036854775807"
local INT64_MIN_MAGNITUDE = "9223372036854775808"
local EXACT_LIMIT = "9007199254740992"  -- 2^53: every integer up to here is exact as a number
local TWO_TO_63 = 2 ^ 63

local function digits_at_most(digits, limit)
  if #digits ~= #limit then return #digits < #limit end
  return digits <= limit
end


-- An integer given as a number, a decimal string or a LuaJIT int64 cdata (123LL): returns it as
-- a number when that is exact (|v| <= 2^53), else as a canonical decimal string; nil and
-- "type" or "range" when it is not an int64.
local function to_integer(v)
  local t = type(v)
  if t == "number" then
    if v ~= v or v == huge or v == -huge or floor(v) ~= v then return nil, "type" end
    if v < -TWO_TO_63 or v >= TWO_TO_63 then return nil, "range" end
    return v
  end
  local text
  if t == "string" then
    text = v
  elseif t == "cdata" and ffi.istype("int64_t", v) then
    text = sub(tostring(v), 1, -3)  -- "123LL"
  elseif t == "cdata" and ffi.istype("uint64_t", v) then
    text = sub(tostring(v), 1, -4)  -- "123ULL"
  else
    return nil, "type"
  end
  local sign, digits = match(text, "^(%-?)(%d+)$")
  if digits == nil then return nil, "type" end
  digits = gsub(digits, "^0+(%d)", "%1")
  if not digits_at_most(digits, sign == "-" and INT64_MIN_MAGNITUDE or INT64_MAX) then return nil, "range" end
  if digits_at_most(digits, EXACT_LIMIT) then return tonumber(sign .. digits) end
  return sign .. digits
end
M.to_integer = to_integer


local check_value


local function check_table(t, schema, path, at_root)
  if type(t) ~= "table" then fail(path, quoted_path(path) .. " must be a table, got " .. describe(t)) end
  local out = {}
  for _, key in ipairs(sorted_keys(t)) do
    local key_path = append(path, key)
    local expected = type(key) == "string" and schema[key] or nil
    if expected == nil then fail(key_path, unknown_key(key_path, schema, at_root)) end
    out[key] = check_value(t[key], expected, key_path)
  end
  return out
end


local function check_numbers(t, path)
  if type(t) ~= "table" then fail(path, quoted_path(path) .. " must be a list of numbers, got " .. describe(t)) end
  local n, out = #t, {}
  for i = 1, n do
    local x = t[i]
    if type(x) ~= "number" then
      fail(append(path, i), quoted_path(append(path, i)) .. " must be a number, got " .. describe(x))
    end
    out[i] = x
  end
  for _, key in ipairs(sorted_keys(t)) do
    if type(key) ~= "number" or key < 1 or key > n or floor(key) ~= key then
      fail(path, quoted_path(path) .. " must be a list of numbers (it has the key " .. describe(key) .. ")")
    end
  end
  return out
end


-- A workload table of the given kind; `path` names it in messages.
local function check_workload_table(kind, t, path)
  local spec = M.workloads[kind]
  local out = check_table(t, spec.keys, path, false)
  for _, key in ipairs(spec.required) do
    if out[key] == nil then fail(append(path, key), quoted_path(append(path, key)) .. " is required") end
  end
  if kind == "spec" then
    local inline = false
    for _, key in ipairs(sorted_keys(out)) do
      if key ~= "path" and key ~= "requests" and key ~= "kind" then inline = true end
    end
    if out.path ~= nil and inline then
      fail(path, quoted_path(path) .. ": give either 'path' (a WorkloadSpec file) or the spec's keys inline, not both")
    elseif out.path == nil and not inline then
      fail(path, quoted_path(path) .. " needs 'path' (a WorkloadSpec file) or the spec's keys inline "
                 .. "(aggregate_rate, clients, ...)")
    end
  end
  out.kind = kind
  return out
end


local function check_workload(t, path)
  if type(t) == "string" then return { kind = "spec", path = t } end  -- workload = "spec.yaml"
  if type(t) == "function" then return { kind = "generator", generate = t } end
  if type(t) ~= "table" then
    fail(path, quoted_path(path) .. " must be a workload made by blis.workload.distribution{...}, preset{...}, "
               .. "csv_trace{...}, spec{...}, trace_v2{...}, inference_perf{...}, a spec file name or a function(gen), got " .. describe(t))
  end
  local kind = t.kind
  if kind == nil then
    fail(path, quoted_path(path) .. " has no 'kind': make it with blis.workload.distribution{...}, preset{...}, "
               .. "csv_trace{...}, spec{...}, trace_v2{...} or inference_perf{...}")
  end
  if M.workloads[kind] == nil then
    local kind_path = append(path, "kind")
    local near = type(kind) == "string" and util.closest(kind, M.workload_kinds)
    fail(kind_path, quoted_path(kind_path) .. " must be one of " .. concat(M.workload_kinds, ", ") .. ", got "
                    .. describe(kind) .. (near and (" (did you mean '" .. near .. "'?)") or ""))
  end
  return check_workload_table(kind, t, path)
end


local policy = require "blis.policy"

local known_scorer_list = { "kv-utilization", "load-balance", "prefix-affinity", "queue-depth" }
local known_scorers = {}
for _, name in ipairs(known_scorer_list) do known_scorers[name] = true end

-- routing.scorers: the flag's string form, or { {"queue-depth", 2}, {my_scorer, 1}, ... }.
-- The list form comes back as { {name=..., weight=...} | {score=f, name=..., ...}, ... }.
local function check_scorers(v, path)
  if type(v) == "string" then return v end
  if type(v) ~= "table" then
    fail(path, quoted_path(path) .. " must be a string (\"queue-depth:2,kv-utilization:1\") or a list of "
               .. "{scorer, weight} pairs, got " .. describe(v))
  end
  local n, out = #v, {}
  if n == 0 then fail(path, quoted_path(path) .. " is an empty list: give at least one {scorer, weight} pair") end
  for _, key in ipairs(sorted_keys(v)) do
    if type(key) ~= "number" or key < 1 or key > n or floor(key) ~= key then
      fail(path, quoted_path(path) .. " must be a list of {scorer, weight} pairs (it has the key " .. describe(key) .. ")")
    end
  end
  for i = 1, n do
    local item_path = append(path, i)
    local item = v[i]
    if type(item) ~= "table" or #item ~= 2 then
      fail(item_path, quoted_path(item_path) .. " must be a {scorer, weight} pair, got " .. describe(item))
    end
    local scorer, weight = item[1], item[2]
    if type(weight) ~= "number" or weight ~= weight or weight <= 0 or weight == huge then
      fail(append(item_path, 2), quoted_path(append(item_path, 2)) .. " (the weight) must be a finite number > 0, got "
                                 .. describe(weight))
    end
    if type(scorer) == "string" then
      if not known_scorers[scorer] then
        local near = util.closest(scorer, known_scorer_list)
        fail(append(item_path, 1), quoted_path(append(item_path, 1)) .. " must be a built-in scorer ("
                                   .. concat(known_scorer_list, ", ") .. "), a function(req, inst) or a "
                                   .. "blis.scorer{...}, got " .. describe(scorer)
                                   .. (near and (" (did you mean '" .. near .. "'?)") or ""))
      end
      for j = 1, i - 1 do
        if out[j].name == scorer and out[j].score == nil then
          fail(append(item_path, 1), quoted_path(append(item_path, 1)) .. ": scorer \"" .. scorer
                                     .. "\" appears twice; each built-in scorer may appear at most once")
        end
      end
      out[i] = { name = scorer, weight = weight }
    elseif type(scorer) == "function" or policy.is_scorer(scorer) then
      local entry = policy.normalize_scorer(scorer, i)
      entry.weight = weight
      out[i] = entry
    else
      fail(append(item_path, 1), quoted_path(append(item_path, 1)) .. " must be a built-in scorer name, a "
                                 .. "function(req, inst) or a blis.scorer{...}, got " .. describe(scorer))
    end
  end
  return out
end


-- The reference-defect corrections (engine/core/corrections.h) and the two modes.
local correction_names = require("blis.host").corrections
local compat_modes = { "corrected", "reference" }

local function check_mode(v, path)
  if v ~= "reference" and v ~= "corrected" then
    local near = type(v) == "string" and util.closest(v, compat_modes)
    fail(path, quoted_path(path) .. " must be \"reference\" or \"corrected\", got " .. describe(v)
               .. (near and (" (did you mean '" .. near .. "'?)") or ""))
  end
  return v
end

local function check_compat(v, path)
  if type(v) == "string" then return check_mode(v, path) end
  if type(v) ~= "table" then
    fail(path, quoted_path(path) .. " must be \"reference\", \"corrected\" or a table { mode = ..., "
               .. "<correction> = true|false }, got " .. describe(v))
  end
  local schema = { mode = "string" }
  for _, name in ipairs(correction_names) do schema[name] = "boolean" end
  local out = check_table(v, schema, path, false)
  if out.mode ~= nil then check_mode(out.mode, append(path, "mode")) end
  return out
end


check_value = function(v, expected, path)
  if expected == "any" then return v end
  if expected == "compat" then return check_compat(v, path) end
  if type(expected) == "table" then return check_table(v, expected, path, false) end
  if expected == "scorers" then return check_scorers(v, path) end
  if expected == "admission" then
    if type(v) == "function" then return { policy = v } end
    return check_table(v, M.admission, path, false)
  end
  if expected == "policy" then
    if type(v) ~= "string" and type(v) ~= "function" then
      fail(path, quoted_path(path) .. " must be a policy name or a function, got " .. describe(v))
    end
    return v
  end
  if expected == "workload" then return check_workload(v, path) end
  if expected == "numbers" then return check_numbers(v, path) end
  if expected == "integer" then
    local n, problem = to_integer(v)
    if problem == "range" then
      fail(path, quoted_path(path) .. " is outside the int64 range, got " .. describe(v)
                 .. " (write integers beyond 2^53 as strings, \"9223372036854775807\", or as int64 literals, "
                 .. "9223372036854775807LL)")
    elseif problem then
      fail(path, quoted_path(path) .. " must be an integer, got " .. describe(v))
    end
    return n
  end
  if type(v) ~= expected then
    fail(path, quoted_path(path) .. " must be " .. article[expected] .. ", got " .. describe(v))
  end
  return v
end


-- A scenario table: a checked copy (integers normalized, workload kinds checked).
function M.check_scenario(t)
  if type(t) ~= "table" then fail({}, "expects a table, got " .. describe(t)) end
  return check_table(t, M.scenario, {}, true)
end


-- The argument of blis.workload.<kind>{...}: a checked copy with `kind` set. Paths are relative
-- to the argument ('rate', not 'workload.rate'): the builder does not know where it goes.
function M.check_workload_args(kind, t)
  if type(t) ~= "table" then fail({}, "expects a table, got " .. describe(t)) end
  if t.kind ~= nil and t.kind ~= kind then
    fail({ "kind" }, "'kind' is set by the builder; got " .. describe(t.kind) .. " in blis.workload." .. kind)
  end
  return check_workload_table(kind, t, {})
end


-- All key paths of the schema, sorted ("engine.kv_blocks", "workload.rate", ...): for docs/tests.
function M.key_paths()
  local out = {}
  local function walk(schema, prefix)
    for key, t in pairs(schema) do
      local full = prefix .. key
      if type(t) == "table" then
        walk(t, full .. ".")
      elseif t == "workload" then
        for _, kind in ipairs(M.workload_kinds) do walk(M.workloads[kind].keys, full .. "(" .. kind .. ").") end
      elseif t == "admission" then
        walk(M.admission, full .. ".")
        out[#out + 1] = full .. " : function"
      else
        out[#out + 1] = full .. " : " .. t
      end
    end
  end
  walk(M.scenario, "")
  sort(out)
  return out
end


return M
