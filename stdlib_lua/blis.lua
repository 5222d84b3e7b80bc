-- The `blis` module: the vocabulary of scenario files. A scenario returns blis.scenario{...};
-- the C++ loader (bindings/scenario_loader.cpp) is the only place its values become engine
-- configuration. Validation happens here so that errors point at the user's line.
local M = {}

local type, pairs, ipairs, tostring, tonumber, error, pcall = type, pairs, ipairs, tostring, tonumber, error, pcall
local floor, huge = math.floor, math.huge
local sort, concat = table.sort, table.concat

M.version = "0.1.0"

-- Keys of a table in byte order: pairs() order is not stable in LuaJIT (lua-embedding.md P2).
local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  return keys
end
M.sorted_keys = sorted_keys

function M.sorted_pairs(t)
  local keys, i = sorted_keys(t), 0
  return function()
    i = i + 1
    local k = keys[i]
    if k ~= nil then return k, t[k] end
  end
end

local function edit_distance(a, b)
  local prev = {}
  for j = 0, #b do prev[j] = j end
  for i = 1, #a do
    local cur = { [0] = i }
    for j = 1, #b do
      local cost = a:sub(i, i) == b:sub(j, j) and 0 or 1
      cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    end
    prev = cur
  end
  return prev[#b]
end

local function suggestion(key, schema)
  local best, best_d
  for _, candidate in ipairs(sorted_keys(schema)) do
    local d = edit_distance(key, candidate)
    if d <= 3 and (best_d == nil or d < best_d) then best, best_d = candidate, d end
  end
  return best and (" (did you mean '" .. best .. "'?)") or ""
end

-- Value types of the schema.
local checks = {
  integer = function(v)
    if type(v) == "number" then return v == floor(v) and v > -huge and v < huge end
    return type(v) == "string" and v:match("^%-?%d+$") ~= nil  -- exact int64 beyond 2^53
  end,
  number = function(v) return type(v) == "number" end,
  string = function(v) return type(v) == "string" end,
  boolean = function(v) return type(v) == "boolean" end,
  numbers = function(v)
    if type(v) ~= "table" then return false end
    for k, x in pairs(v) do
      if type(k) ~= "number" or type(x) ~= "number" then return false end
    end
    return true
  end,
}
local type_names = { integer = "an integer", number = "a number", string = "a string", boolean = "a boolean",
                     numbers = "a list of numbers" }

local length_schema = { mean = "integer", std = "integer", min = "integer", max = "integer" }

local workload_schemas = {
  distribution = { kind = "string", rate = "number", requests = "integer", prefix_tokens = "integer",
                   prompt_tokens = length_schema, output_tokens = length_schema },
  preset = { kind = "string", name = "string", rate = "number", requests = "integer" },
  csv_trace = { kind = "string", path = "string" },
  spec = { kind = "string", path = "string" },
}

local scenario_schema = {
  seed = "integer", horizon_us = "integer", log = "string", defaults_file = "string",
  results_path = "string", fitness_weights = "string", instances = "integer", policy_config = "string",
  model = { name = "string", gpu = "string", tp = "integer", vllm_version = "string", alpha = "numbers",
            beta = "numbers", config_folder = "string", hardware_config = "string" },
  engine = { kv_blocks = "integer", block_size_tokens = "integer", max_running = "integer",
             max_batched_tokens = "integer", long_prefill_threshold = "integer", max_model_len = "integer",
             scheduler = "string", priority = "string", kv_cpu_blocks = "integer",
             kv_offload_threshold = "number", kv_transfer_bandwidth = "number",
             kv_transfer_base_latency_us = "integer" },
  workload = "workload",
  admission = { policy = "string", latency_us = "integer", capacity = "number", refill_per_s = "number" },
  routing = { policy = "string", scorers = "string", latency_us = "integer", snapshot_refresh_us = "integer" },
  trace = { level = "string", counterfactual_k = "integer", summarize = "boolean" },
}

local validate_table

local function validate_workload(value, path)
  if type(value) ~= "table" then error(path .. " must be a workload table (e.g. blis.workload.distribution{...})", 0) end
  local kind = value.kind
  local schema = workload_schemas[kind]
  if schema == nil then
    error(path .. ".kind must be one of csv_trace, distribution, preset, spec (got " .. tostring(kind) .. ")", 0)
  end
  validate_table(value, schema, path)
end

validate_table = function(value, schema, path)
  for _, key in ipairs(sorted_keys(value)) do
    local full = path == "" and tostring(key) or (path .. "." .. tostring(key))
    local expected = type(key) == "string" and schema[key] or nil
    if expected == nil then
      error("unknown key '" .. full .. "'" .. (type(key) == "string" and suggestion(key, schema) or ""), 0)
    end
    local v = value[key]
    if type(expected) == "table" then
      if type(v) ~= "table" then error("'" .. full .. "' must be a table", 0) end
      validate_table(v, expected, full)
    elseif expected == "workload" then
      validate_workload(v, full)
    elseif not checks[expected](v) then
      error("'" .. full .. "' must be " .. type_names[expected] .. ", got " .. type(v) ..
            (type(v) == "number" and (" " .. tostring(v)) or ""), 0)
    end
  end
end

local scenario_marker = {}

-- A scenario: validated, marked, returned. Errors blame the caller's line.
function M.scenario(t)
  if type(t) ~= "table" then error("blis.scenario expects a table", 2) end
  local ok, problem = pcall(validate_table, t, scenario_schema, "")
  if not ok then error("blis.scenario: " .. problem, 2) end
  return setmetatable(t, { __blis_scenario = scenario_marker })
end

function M.is_scenario(t)
  local mt = type(t) == "table" and getmetatable(t) or nil
  return mt ~= nil and mt.__blis_scenario == scenario_marker
end

local function workload_builder(kind)
  return function(t)
    if type(t) ~= "table" then error("blis.workload." .. kind .. " expects a table", 2) end
    local w = { kind = kind }
    for k, v in pairs(t) do w[k] = v end
    local ok, problem = pcall(validate_table, w, workload_schemas[kind], "workload")
    if not ok then error("blis.workload." .. kind .. ": " .. problem, 2) end
    return w
  end
end

M.workload = {
  distribution = workload_builder("distribution"),
  preset = workload_builder("preset"),
  csv_trace = workload_builder("csv_trace"),
  spec = workload_builder("spec"),
}

-- Parameters: declared with defaults in the scenario, overridden by `--name=value` on the
-- command line. `{ rate = 10 }` or `{ rate = { "description", 10 } }`.
M._param_overrides = {}
M._declared = {}

local function convert(name, text, default)
  local kind = type(default)
  if kind == "number" then
    local v = tonumber(text)
    if v == nil then error("parameter --" .. name .. " expects a number, got '" .. text .. "'", 0) end
    return v
  elseif kind == "boolean" then
    if text == "true" or text == "1" then return true end
    if text == "false" or text == "0" then return false end
    error("parameter --" .. name .. " expects true or false, got '" .. text .. "'", 0)
  end
  return text
end

function M.params(declared)
  if type(declared) ~= "table" then error("blis.params expects a table", 2) end
  local values = {}
  for _, name in ipairs(sorted_keys(declared)) do
    local spec = declared[name]
    local description, default = "", spec
    if type(spec) == "table" then description, default = spec[1], spec[2] end
    if type(name) ~= "string" or default == nil then
      error("blis.params: parameter '" .. tostring(name) .. "' needs a default value", 2)
    end
    M._declared[name] = { description = description or "", default = default }
    local override = M._param_overrides[name]
    if override ~= nil then
      local ok, v = pcall(convert, name, override, default)
      if not ok then error(v, 0) end
      values[name] = v
    else
      values[name] = default
    end
  end
  return values
end

-- Overrides given on the command line that no blis.params declared.
function M._unknown_params()
  local unknown = {}
  for _, name in ipairs(sorted_keys(M._param_overrides)) do
    if M._declared[name] == nil then unknown[#unknown + 1] = "--" .. name end
  end
  return concat(unknown, ", ")
end

function M._param_help()
  local lines = {}
  for _, name in ipairs(sorted_keys(M._declared)) do
    local d = M._declared[name]
    lines[#lines + 1] = string.format("  --%-20s %s (default: %s)", name, d.description, tostring(d.default))
  end
  return concat(lines, "\n")
end

return M
