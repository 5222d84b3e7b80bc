-- Scenario parameters (lua-embedding.md rule 8, after sysbench's cmdline options): a scenario
-- declares them with defaults,
--     local p = blis.params{ rate = 10, requests = {"Number of requests", 500} }
-- `blis scenario.lua --rate 20` (or --rate=20) overrides them, and `blis scenario.lua --help`
-- lists them. The value's type is the default's: number, string or boolean.
local M = {}

local type, pairs, ipairs, tostring, tonumber, error, setmetatable =
  type, pairs, ipairs, tostring, tonumber, error, setmetatable
local match, lower, rep, format = string.match, string.lower, string.rep, string.format
local concat = table.concat

local util = require "blis.util"

local overrides = {}  -- name -> text from the command line, or true for a bare --name
local declared = {}   -- name -> { default = ..., description = ... }
local universal = {}  -- name -> true: the flags every scenario file takes (bindings/universal_flags.h)

local TRUE_WORDS = { ["true"] = true, yes = true, on = true, ["1"] = true }
local FALSE_WORDS = { ["false"] = true, no = true, off = true, ["0"] = true }


-- Called by the loader before the scenario runs: the command line's `--name value` pairs, and
-- the names of the universal flags (a list), which the loader applies itself unless declared.
function M.begin(given, universal_names)
  overrides, declared, universal = {}, {}, {}
  for name, value in pairs(given or {}) do overrides[name] = value end
  for _, name in ipairs(universal_names or {}) do universal[name] = true end
end


-- After a scenario file ran: the command line's value for `name` (text, or true when bare) when
-- the script declared no parameter of that name, taken out of the overrides (the loader applies
-- it as a universal flag); nil otherwise, and then a declared parameter has had it.
function M.take_undeclared(name)
  if declared[name] ~= nil then return nil end
  local value = overrides[name]
  overrides[name] = nil
  return value
end


local function convert(name, default, text)
  local kind = type(default)
  if text == true then
    if kind == "boolean" then return true end
    return nil, "--" .. name .. " needs a value (--" .. name .. " <" .. kind .. "> or --" .. name .. "=<" .. kind .. ">)"
  end
  if kind == "number" then
    -- Decimal numbers only: tonumber alone would also take " 5", "0x10" and "1e".
    local n = match(text, "^[+-]?%d*%.?%d*[eE]?[+-]?%d*$") and match(text, "%d") and tonumber(text)
    if n then return n end
    return nil, "invalid value '" .. text .. "' for --" .. name .. ": expected a number"
  elseif kind == "boolean" then
    local word = lower(text)
    if TRUE_WORDS[word] then return true end
    if FALSE_WORDS[word] then return false end
    return nil, "invalid value '" .. text .. "' for --" .. name .. ": expected true or false"
  end
  return text
end


-- Reading a parameter that was never declared is a typo in the scenario: say so.
local values_mt = {
  __index = function(_, name)
    error("blis.params: no parameter '" .. tostring(name) .. "' was declared", 2)
  end,
}


-- blis.params{...}: the parameters' values, defaults replaced by command-line overrides.
function M.declare(declarations)
  if type(declarations) ~= "table" then
    util.raise("blis.params", "expects a table of name = default, got " .. util.describe(declarations))
  end
  local values = {}
  for _, name in ipairs(util.sorted_keys(declarations)) do
    local spec = declarations[name]
    if type(name) ~= "string" or not match(name, "^[%a_][%w_%-]*$") then
      util.raise("blis.params", "parameter names are words like rate or num_requests, got " .. util.describe(name))
    end
    local description, default = "", spec
    if type(spec) == "table" then description, default = spec[1], spec[2] end
    local kind = type(default)
    if kind ~= "number" and kind ~= "string" and kind ~= "boolean" then
      util.raise("blis.params", "parameter '" .. name .. "' needs a default that is a number, string or boolean "
                 .. "(name = default or name = {\"description\", default}), got " .. util.describe(default), { name })
    end
    if type(description) ~= "string" then
      util.raise("blis.params", "the description of parameter '" .. name .. "' must be a string", { name })
    end
    if declared[name] ~= nil then
      util.raise("blis.params", "parameter '" .. name .. "' is declared twice", { name })
    end
    declared[name] = { default = default, description = description }
    local value = default
    if overrides[name] ~= nil then
      local converted, problem = convert(name, default, overrides[name])
      if problem then util.raise("blis.params", problem, { name }) end
      value = converted
    end
    values[name] = value
  end
  return setmetatable(values, values_mt)
end


-- After the scenario ran: a message naming the overrides no blis.params declared, or nil.
function M.unknown_message()
  local unknown, names = {}, {}
  for name in pairs(declared) do names[#names + 1] = name end
  for _, name in ipairs(util.sorted_keys(overrides)) do
    if declared[name] == nil then
      local near = util.closest(name, names)
      local why = near and (" (did you mean --" .. near .. "?)") or ""
      if universal[name] then  -- a scenario file has taken its own already (bindings/scenario_loader.cpp)
        why = " (a universal flag of scenario files only; an experiment script declares its own with blis.params)"
      end
      unknown[#unknown + 1] = "--" .. name .. why
    end
  end
  if #unknown == 0 then return nil end
  return (#unknown == 1 and "unknown parameter " or "unknown parameters ") .. concat(unknown, ", ")
end


local function default_text(value)
  if type(value) == "number" and value == math.floor(value) and value > -2^53 and value < 2^53 then
    return format("%d", value)
  end
  return tostring(value)
end


-- The declared parameters for --help, sorted: "  --rate=10   Arrival rate (req/s)".
function M.help_lines()
  local rows, width = {}, 0
  for _, name in ipairs(util.sorted_keys(declared)) do
    local d = declared[name]
    local left = "--" .. name .. "=" .. default_text(d.default)
    if #left > width then width = #left end
    rows[#rows + 1] = { left, d.description }
  end
  local lines = {}
  for i, row in ipairs(rows) do
    local left, description = row[1], row[2]
    lines[i] = description == "" and ("  " .. left) or ("  " .. left .. rep(" ", width - #left + 3) .. description)
  end
  return concat(lines, "\n")
end


return M
