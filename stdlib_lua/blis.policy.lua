-- Lua policies in the decision loop (lua-embedding.md rules 3-4): routing scorers and admission
-- rules written in a scenario. The engine enters Lua once per decision; the loop over instances
-- runs here, one compiled loop per scorer, so LuaJIT inlines the user's function. The request,
-- the cluster and the instance snapshots are FFI cdata over one C++-owned blis_decision struct,
-- bound once per run (bindings/lua_policies.cpp fills it before each call).
local M = {}

local ffi = require "ffi"
local host_ffi = require "blis.ffi"

local type, error, tostring, ipairs, setmetatable, getmetatable, select =
  type, error, tostring, ipairs, setmetatable, getmetatable, select
local format, match = string.format, string.match
local ffi_string = ffi.string


-- ---- the FFI views ----------------------------------------------------------------------------

ffi.cdef(host_ffi.cdef)

-- The header compiled into blis and the cdef text come from one macro, but check anyway: a
-- mismatch here would read garbage at native speed (pitfall P4).
for _, entry in ipairs(host_ffi.layout) do
  local got = entry.field and ffi.offsetof(entry.type, entry.field) or ffi.sizeof(entry.type)
  if got ~= entry.value then
    error(format("blis FFI layout mismatch: %s%s is %d in Lua, %d in C++", entry.type,
                 entry.field and ("." .. entry.field) or " size", got, entry.value))
  end
end

-- Strings are read on demand: only a policy that asks for the SLO class pays for the copy.
ffi.metatype("blis_request", {
  __index = function(r, key)
    if key == "slo_class" then return r.slo_class_ptr ~= nil and ffi_string(r.slo_class_ptr) or "" end
    if key == "tenant" then return r.tenant_ptr ~= nil and ffi_string(r.tenant_ptr) or "" end
    return nil
  end,
})

local decision_ptr_t = ffi.typeof("blis_decision*")


-- ---- scorer objects --------------------------------------------------------------------------

local scorer_mt = { __name = "blis.scorer" }

local function is_scorer(v)
  return type(v) == "table" and getmetatable(v) == scorer_mt
end
M.is_scorer = is_scorer


-- "name" of a function, read from the line that defines it ("local function name(" or
-- "name = function("), and its "file:line"; used in messages, traces and reports.
local function describe_function(f)
  local info = debug.getinfo(f, "S")
  local where = format("%s:%d", info.short_src, info.linedefined)
  local name
  local line = info.source and require("blis.host").source_line(info.source, info.linedefined)
  if line then
    name = match(line, "function%s+([%w_%.:]+)%s*%(") or match(line, "([%w_%.]+)%s*=%s*function%s*%(")
  end
  return name, where
end
M.describe_function = describe_function


-- blis.scorer{ name = "...", score = function(req, inst) ... end, prepare = function(req, cluster)
-- ... end, prefix_index = true }: a scorer with a name, an optional once-per-decision prepare
-- step (e.g. min/max over all instances), and access to the router's prefix index.
function M.scorer(t)
  if type(t) ~= "table" then error("blis.scorer expects a table, got " .. type(t), 2) end
  for key, _ in pairs(t) do
    if key ~= "name" and key ~= "score" and key ~= "prepare" and key ~= "prefix_index" then
      error("blis.scorer: unknown key '" .. tostring(key) .. "' (expected name, score, prepare, prefix_index)", 2)
    end
  end
  if type(t.score) ~= "function" then error("blis.scorer: 'score' must be a function(req, inst)", 2) end
  if t.prepare ~= nil and type(t.prepare) ~= "function" then
    error("blis.scorer: 'prepare' must be a function(req, cluster)", 2)
  end
  if t.name ~= nil and type(t.name) ~= "string" then error("blis.scorer: 'name' must be a string", 2) end
  if t.prefix_index ~= nil and type(t.prefix_index) ~= "boolean" then
    error("blis.scorer: 'prefix_index' must be a boolean", 2)
  end
  local _, where = describe_function(t.score)
  return setmetatable({ name = t.name, score = t.score, prepare = t.prepare,
                        prefix_index = t.prefix_index == true, where = where }, scorer_mt)
end


-- A scorer entry (function or scorer object) as the loader needs it.
function M.normalize_scorer(v, position)
  if is_scorer(v) then
    return { name = v.name or ("lua scorer #" .. position), where = v.where, score = v.score,
             prepare = v.prepare, prefix_index = v.prefix_index }
  end
  local name, where = describe_function(v)
  return { name = name or ("lua scorer #" .. position), where = where, score = v, prefix_index = false }
end


-- ---- per-decision entry points ---------------------------------------------------------------

-- The per-decision function for a list of scorers: one loop over the instances that calls every
-- scorer, generated for exactly this many scorers with each scorer an upvalue of its own, so
-- every call site sees one function and LuaJIT inlines them all into one trace. `prepare`
-- hooks run once per decision before the loop. Returns the function C++ calls per decision.
local loop_cache = {}

-- Source of a chunk returning make(d, req, cluster, check, prepare_decision, score1, ...) ->
-- decide, rebind. decide is what C++ calls: one function, the instance loop inside it, so the
-- call from C enters a single compiled trace.
local function loop_source(count)
  local names = {}
  for s = 1, count do names[s] = "score" .. s end
  local lines = {
    "return function(d, req, cluster, check, prepare_decision, " .. table.concat(names, ", ") .. ")",
    "local out, instances",
    "local function rebind() out, instances = d.scores, cluster.instances end",
    "rebind()",
    "local function decide()",
    "if prepare_decision ~= nil then prepare_decision() end",
    "local n = cluster.num_instances",
    "for i = 0, n - 1 do local inst = instances[i]",
  }
  for s = 1, count do
    lines[#lines + 1] = format("d.current_scorer = %d local v%d = score%d(req, inst, cluster) "
                               .. "if type(v%d) ~= 'number' then check(%d, i, v%d) end out[%d * n + i] = v%d",
                               s, s, s, s, s, s, s - 1, s)
  end
  lines[#lines + 1] = "end end"
  lines[#lines + 1] = "return decide, rebind end"
  return table.concat(lines, "\n")
end

-- The functions C++ calls for a list of scorers: decide (once per routing decision: every
-- prepare hook, then one loop over the instances calling every scorer, generated for exactly
-- this many scorers with each scorer an upvalue of its own, so every call site sees one
-- function and LuaJIT inlines them all into one trace) and rebind (after C++ grew its arrays:
-- reading a pointer field boxes a new cdata, which the per-decision call should not pay for).
function M.bind_scorers(decision_lud, entries)
  local d = ffi.cast(decision_ptr_t, decision_lud)  -- once per run, never per call
  local req, cluster = d.request, d.cluster
  local count = #entries
  local scores, prepares, prepare_scorer, names = {}, {}, {}, {}
  for s, entry in ipairs(entries) do
    scores[s], names[s] = entry.score, entry.name
    if entry.prepare ~= nil then
      prepares[#prepares + 1] = entry.prepare
      prepare_scorer[#prepares] = s
    end
  end
  local function check(s, i, v)
    d.current_scorer = s
    error(format("scorer '%s' returned %s for instance_%d, expected a number", names[s], type(v), i), 0)
  end
  local prepare_decision
  if #prepares > 0 then
    prepare_decision = function()
      for p = 1, #prepares do
        d.current_scorer = prepare_scorer[p]
        prepares[p](req, cluster)
      end
    end
  end
  local make = loop_cache[count]
  if make == nil then
    make = assert(loadstring(loop_source(count), "@stdlib_lua/blis.policy.lua (scorer loop)"))()
    loop_cache[count] = make
  end
  return make(d, req, cluster, check, prepare_decision, unpack(scores, 1, count))
end


-- The function C++ calls once per admission decision: returns admitted (boolean) and a reason.
function M.bind_admission(decision_lud, rule, name)
  local d = ffi.cast(decision_ptr_t, decision_lud)
  local req, cluster = d.request, d.cluster
  return function()
    local admitted, reason = rule(req, cluster)
    if type(admitted) ~= "boolean" then
      error(format("admission rule '%s' returned %s, expected true or false (and an optional reason)", name,
                   admitted == nil and "nothing" or type(admitted)), 0)
    end
    if reason ~= nil and type(reason) ~= "string" then
      error(format("admission rule '%s' returned a %s reason, expected a string", name, type(reason)), 0)
    end
    return admitted, reason
  end
end


return M
