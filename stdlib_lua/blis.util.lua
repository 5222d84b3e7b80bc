-- Helpers shared by the stdlib modules: deterministic key order, values described for messages,
-- "did you mean" suggestions, and blaming the user's line for a mistake the stdlib detects.
local M = {}

local type, pairs, tostring, error, next = type, pairs, tostring, error, next
local getinfo = debug.getinfo
local sort, concat = table.sort, table.concat
local sub, byte, format, gsub, match = string.sub, string.byte, string.format, string.gsub, string.match
local min = math.min

local locate = require "blis.locate"

-- Set by the C++ LuaVm; absent when the stdlib runs in a plain luajit (e.g. under luacheck).
local host = package.loaded["blis.host"]

local STDLIB_PREFIX = "@stdlib_lua/"


-- Key order: numbers, then strings, then the rest; byte order within a type. pairs() order is
-- not stable in LuaJIT 2.1 (lua-embedding.md P2), so nothing that reaches output or an error
-- message may depend on it.
local type_rank = { number = 1, string = 2, boolean = 3 }

local function key_less(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then
    local ra, rb = type_rank[ta] or 4, type_rank[tb] or 4
    if ra ~= rb then return ra < rb end
    return ta < tb
  end
  if ta == "number" or ta == "string" then return a < b end
  return tostring(a) < tostring(b)
end

function M.sorted_keys(t)
  local keys, n = {}, 0
  for k in pairs(t) do
    n = n + 1
    keys[n] = k
  end
  sort(keys, key_less)
  return keys
end


-- Like pairs(t), in sorted_keys order.
function M.sorted_pairs(t)
  local keys, i = M.sorted_keys(t), 0
  return function()
    i = i + 1
    local k = keys[i]
    if k ~= nil then return k, t[k] end
  end
end


function M.is_empty(t)
  return next(t) == nil
end


local escapes = { ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" }

-- A string in double quotes on one line, shortened when long.
function M.quote(s)
  if #s > 60 then s = sub(s, 1, 57) .. "..." end
  return '"' .. gsub(s, '[%c"\\]', function(c) return escapes[c] or format("\\%03d", byte(c)) end) .. '"'
end


-- "number 1.5", "string \"abc\"", "boolean true", "table": what the user gave, for messages.
function M.describe(v)
  local t = type(v)
  if t == "string" then return "string " .. M.quote(v) end
  if t == "number" or t == "boolean" then return t .. " " .. tostring(v) end
  return t
end


-- "engine.kv_blocks", "model.alpha[2]": a key path (a list of keys) for messages.
function M.path_string(path)
  local parts = {}
  for i = 1, #path do
    local k = path[i]
    if type(k) == "string" and match(k, "^[%a_][%w_]*$") then
      parts[#parts + 1] = (i > 1 and "." or "") .. k
    elseif type(k) == "string" then
      parts[#parts + 1] = "[" .. M.quote(k) .. "]"
    else
      parts[#parts + 1] = "[" .. tostring(k) .. "]"
    end
  end
  return concat(parts)
end


-- Optimal string alignment distance: Levenshtein plus adjacent transpositions, so the common
-- "kv_blokcs" typo is one edit away from "kv_blocks".
local function edit_distance(a, b)
  local la, lb = #a, #b
  local rows = {}
  for i = 0, la do
    rows[i] = { [0] = i }
  end
  for j = 0, lb do
    rows[0][j] = j
  end
  for i = 1, la do
    local ca = byte(a, i)
    for j = 1, lb do
      local cb = byte(b, j)
      local cost = ca == cb and 0 or 1
      local d = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
      if i > 1 and j > 1 and ca == byte(b, j - 1) and byte(a, i - 1) == cb then
        d = min(d, rows[i - 2][j - 2] + 1)
      end
      rows[i][j] = d
    end
  end
  return rows[la][lb]
end
M.edit_distance = edit_distance


-- The candidate closest to `word`, if any is close: at most two edits (fewer for short words),
-- or one of them a prefix of the other ("horizon" -> "horizon_us"). Ties go to byte order.
function M.closest(word, candidates)
  local best, best_distance
  local sorted = {}
  for i = 1, #candidates do sorted[i] = candidates[i] end
  sort(sorted)
  for i = 1, #sorted do
    local candidate = sorted[i]
    local d = edit_distance(word, candidate)
    local close = d <= min(2, #word - 1, #candidate - 1)
    local shorter = min(#word, #candidate)
    if not close and shorter >= 3 and sub(candidate, 1, shorter) == sub(word, 1, shorter) then close = true end
    if close and (best_distance == nil or d < best_distance) then
      best, best_distance = candidate, d
    end
  end
  return best
end


local function is_stdlib(source)
  return sub(source, 1, #STDLIB_PREFIX) == STDLIB_PREFIX
end


-- The user code that called into the stdlib: source, short_src, line. The VM's record of the
-- last user line executed comes first: `return blis.scenario{...}` is a tail call, which leaves
-- no caller frame on the stack to ask. Without the VM (or outside user code) the stack is walked
-- past the stdlib's own frames, as error(msg, level) would do.
function M.user_call_site()
  if host ~= nil then
    local source, short_src, line = host.last_user_line()
    if source ~= nil then return source, short_src, line end
  end
  local level = 2
  while true do
    local info = getinfo(level, "Sl")
    if info == nil or info.what == "C" then return nil end
    if not is_stdlib(info.source) then
      if info.currentline > 0 then return info.source, info.short_src, info.currentline end
      return nil
    end
    level = level + 1
  end
end


-- "file:line: " for a mistake in the table passed to the API function `api` (e.g.
-- "blis.scenario"). When the call's source is a file, the line of the offending key itself
-- is looked up in it; otherwise the call's line is blamed.
function M.blame(api, key_path)
  local source, short_src, line = M.user_call_site()
  if source == nil then return "" end
  if key_path ~= nil and #key_path > 0 and sub(source, 1, 1) == "@" then
    local function_name = match(api, "([%w_]+)$")
    line = locate.key_line(sub(source, 2), line, function_name, key_path) or line
  end
  return short_src .. ":" .. line .. ": "
end


-- Raises a config error the user has to fix, blaming the user's line:
--   "scenario.lua:4: blis.scenario: unknown key 'engine.kv_blokcs' (did you mean 'kv_blocks'?)"
function M.raise(api, message, key_path)
  error(M.blame(api, key_path) .. api .. ": " .. message, 0)
end


return M
