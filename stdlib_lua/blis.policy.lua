-- Lua policies in the decision loop (lua-embedding.md rules 3-4): routing scorers and admission
-- rules written in a scenario. The engine enters Lua once per decision; the loop over instances
-- runs here, one compiled loop per scorer, so LuaJIT inlines the user's function. The request,
-- the cluster and the instance snapshots live in one C++-owned blis_decision struct, bound once
-- per run (bindings/lua_policies.cpp fills it before each call); policies see it through
-- read-only, bounds-checked views valid during the decision only (below).
local M = {}

local ffi = require "ffi"
local host_ffi = require "blis.ffi"

local type, error, tostring, ipairs, setmetatable, getmetatable, select, rawequal =
  type, error, tostring, ipairs, setmetatable, getmetatable, select, rawequal
local format, match = string.format, string.match
local ffi_string, cast = ffi.string, ffi.cast


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

local decision_ptr_t = ffi.typeof("blis_decision*")
local request_raw_t = ffi.typeof("const blis_request*")
local cluster_raw_t = ffi.typeof("const blis_cluster*")
local instance_raw_t = ffi.typeof("const blis_instance*")


-- ---- the views policies see --------------------------------------------------------------------

-- Policies never get the structs above. They get views whose every read and write goes through
-- a metatype, so that a view is
--   * read-only: a write is an error naming the field (the structs are the engine's state, and
--     the scorer loop sizes its output by num_instances);
--   * bounds-checked: cluster.instances[k] outside 0..num_instances-1 is an error;
--   * valid only during the decision it was given for: a view kept in an upvalue and touched
--     later (by a later decision, in a report hook) is an error, never a read of memory the
--     engine may have moved or freed, nor a silent read of a later decision's numbers.
-- The request, cluster and instance views are pointers to incomplete structs (no fields, no
-- arithmetic, no indexing by number) whose value is the real struct's address plus a stamp
-- that changes every decision (epoch * 2^32). A view is read only when its value belongs to the
-- decision in progress, and then through the address without the stamp. The check costs two
-- compares per instance, against bounds a trace hoists out of the loop. cluster.instances is a
-- zero-size struct object made for the decision that asks for it (a struct, not a pointer, so
-- that a number indexes it through __index).
ffi.cdef[[
struct blis_request_view;
struct blis_cluster_view;
struct blis_instance_view;
struct blis_instances_view {};
struct blis_live_views {
  struct blis_request_view* request;   /* the views of the decision in progress */
  struct blis_cluster_view* cluster;
  struct blis_instance_view* first;    /* instance views: first <= v < last */
  struct blis_instance_view* last;
  int64_t stamp;                       /* view = address + stamp */
  const blis_request* raw_request;
  const blis_cluster* raw_cluster;
  const blis_instance* raw_instances;
  int32_t count;
};
]]
local request_view_t = ffi.typeof("struct blis_request_view*")
local cluster_view_t = ffi.typeof("struct blis_cluster_view*")
local instance_view_t = ffi.typeof("struct blis_instance_view*")
local instances_view_t = ffi.typeof("struct blis_instances_view")
local bytes_t = ffi.typeof("char*")

local REQUEST_FIELDS = { "id", "arrival_us", "input_tokens", "output_tokens", "prefix_blocks", "slo_class",
                         "tenant" }
local CLUSTER_FIELDS = { "clock_us", "num_instances", "queued", "running", "pending", "min_load", "max_load",
                         "instances" }
local INSTANCE_FIELDS = { "index", "queue_depth", "batch_size", "pending_requests", "effective_load",
                          "kv_utilization", "free_kv_blocks", "cache_hit_rate", "prefix_match_blocks" }
local function field_set(list)
  local set = {}
  for _, name in ipairs(list) do set[name] = true end
  return set
end
local request_fields, cluster_fields, instance_fields =
  field_set(REQUEST_FIELDS), field_set(CLUSTER_FIELDS), field_set(INSTANCE_FIELDS)

-- The decision in progress, in a C struct: entering and leaving a decision are plain stores (no
-- GC write barriers) and the checks are loads a trace hoists out of the instance loop. The view
-- fields are NULL when no decision is in progress.
local live = ffi.new("struct blis_live_views")
local epoch = 0                                    -- decisions so far, modulo 2^30
local live_instances, instances_epoch = nil, -1   -- the cluster.instances object, made on demand

-- Errors raised for the user's line: level 3 is the function that touched the view (these
-- helpers are called by the metamethod, which the user's access called).
local function key_text(key)
  return type(key) == "string" and ("'" .. key .. "'") or tostring(key)
end

local function stale(what, key)
  error(format("%s view used after its decision ended (reading %s): views are valid only during the call "
               .. "that received them; copy the numbers you need to keep", what, key_text(key)), 3)
end

local function no_field(what, key, fields)
  local hint = type(key) == "string" and require("blis.util").closest(key, fields)
  error(format("%s view has no field %s%s (fields: %s)", what, key_text(key),
               hint and ("; did you mean '" .. hint .. "'?") or "", table.concat(fields, ", ")), 3)
end

local function read_only(what, key, known)
  if known[key] then error(format("%s view field '%s' is read-only", what, key), 3) end
  error(format("%s view is read-only: cannot set %s (keep your own values in locals or upvalues)", what,
               key_text(key)), 3)
end

ffi.metatype("struct blis_request_view", {
  __index = function(v, key)
    if v ~= live.request then stale("request", key) end
    if request_fields[key] == nil then no_field("request", key, REQUEST_FIELDS) end
    local r = live.raw_request
    -- Strings are read on demand: only a policy that asks for the SLO class pays for the copy.
    if key == "slo_class" then return r.slo_class_ptr ~= nil and ffi_string(r.slo_class_ptr) or "" end
    if key == "tenant" then return r.tenant_ptr ~= nil and ffi_string(r.tenant_ptr) or "" end
    return r[key]
  end,
  __newindex = function(_, key) read_only("request", key, request_fields) end,
  __tostring = function() return "blis request view" end,
})

ffi.metatype("struct blis_cluster_view", {
  __index = function(v, key)
    if v ~= live.cluster then stale("cluster", key) end
    if key == "instances" then
      if instances_epoch ~= epoch then live_instances, instances_epoch = instances_view_t(), epoch end
      return live_instances
    end
    if cluster_fields[key] == nil then no_field("cluster", key, CLUSTER_FIELDS) end
    return live.raw_cluster[key]
  end,
  __newindex = function(_, key) read_only("cluster", key, cluster_fields) end,
  __tostring = function() return "blis cluster view" end,
})

ffi.metatype("struct blis_instance_view", {
  __index = function(v, key)
    if not (v >= live.first and v < live.last) then stale("instance", key) end
    if instance_fields[key] == nil then no_field("instance", key, INSTANCE_FIELDS) end
    return cast(instance_raw_t, cast(bytes_t, v) - live.stamp)[key]
  end,
  __newindex = function(_, key) read_only("instance", key, instance_fields) end,
  __tostring = function() return "blis instance view" end,
})

local function instances_live(a)
  return rawequal(a, live_instances) and instances_epoch == epoch and live.cluster ~= nil
end

ffi.metatype("struct blis_instances_view", {
  __index = function(a, k)
    if not instances_live(a) then stale("cluster.instances", k) end
    local count = live.count
    if type(k) ~= "number" or k < 0 or k >= count or k % 1 ~= 0 then
      error(format("cluster.instances[%s] is out of range: instances are 0..%d (cluster.num_instances = %d)",
                   key_text(k), count - 1, count), 2)
    end
    return cast(instance_view_t, cast(bytes_t, live.raw_instances + k) + live.stamp)
  end,
  __newindex = function(_, k)
    error(format("cluster.instances is read-only: cannot set [%s]", key_text(k)), 2)
  end,
  __len = function(a)
    if not instances_live(a) then stale("cluster.instances", "#") end
    return live.count
  end,
  __tostring = function() return "blis cluster.instances view" end,
})

-- The views of one binding (a scorer list or an admission rule) over its blis_decision `d`:
--   enter(n)    starts a decision over n instances: a new stamp, the live views
--   request(), cluster(), instance(i)
--               the views of the decision in progress (instances 0-based)
--   leave()     ends the decision
--   moved()     C++ reallocated the instance array
--   release()   the binding is going away (its memory is about to be freed): ends any decision
--               still live on it, e.g. one a failing policy left
local function bind_views(d)
  local request_at = cast(bytes_t, d) + ffi.offsetof("blis_decision", "request")
  local cluster_at = cast(bytes_t, d) + ffi.offsetof("blis_decision", "cluster")
  local raw_request, raw_cluster = cast(request_raw_t, request_at), cast(cluster_raw_t, cluster_at)
  local raw = raw_cluster.instances
  local first = cast(bytes_t, raw)
  local views = {}
  function views.enter(n)
    epoch = epoch < 1073741823 and epoch + 1 or 1
    local stamp = epoch * 4294967296
    live.request = cast(request_view_t, request_at + stamp)
    live.cluster = cast(cluster_view_t, cluster_at + stamp)
    live.stamp, live.count = stamp, n
    live.first = cast(instance_view_t, first + stamp)
    live.last = cast(instance_view_t, cast(bytes_t, raw + n) + stamp)
    live.raw_request, live.raw_cluster, live.raw_instances = raw_request, raw_cluster, raw
  end
  -- Views are made where they are used (in the instance loop, inside one trace), so that LuaJIT
  -- sinks them: a policy that does not keep its views costs no allocation.
  function views.request()
    return cast(request_view_t, request_at + live.stamp)
  end
  function views.cluster()
    return cast(cluster_view_t, cluster_at + live.stamp)
  end
  function views.instance(i)
    return cast(instance_view_t, cast(bytes_t, raw + i) + live.stamp)
  end
  function views.leave()  -- what the checks read: no view passes them afterwards
    live.request, live.cluster, live.last = nil, nil, nil
  end
  function views.moved()
    raw = raw_cluster.instances
    first = cast(bytes_t, raw)
  end
  function views.release()
    if live.raw_cluster == raw_cluster then
      views.leave()
      live.raw_request, live.raw_cluster, live.raw_instances = nil, nil, nil
    end
  end
  return views
end


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

-- Source of a chunk returning make(d, views, check, prepare_decision, score1, ...) ->
-- decide, rebind. decide is what C++ calls: one function, the instance loop inside it, so the
-- call from C enters a single compiled trace. The loop reads n from the engine's struct, never
-- from a view, and a score must be a number other than NaN (+-Inf are clamped like any score).
local function loop_source(count)
  local names = {}
  for s = 1, count do names[s] = "score" .. s end
  local lines = {
    "return function(d, views, check, prepare_decision, " .. table.concat(names, ", ") .. ")",
    "local type = type",
    "local out, raw_cluster = d.scores, d.cluster",
    "local enter, leave = views.enter, views.leave",
    "local request, cluster_view, instance = views.request, views.cluster, views.instance",
    "local function rebind() out = d.scores views.moved() end",
    "local function decide()",
    "local n = raw_cluster.num_instances",
    "enter(n)",
    "if prepare_decision ~= nil then prepare_decision(request(), cluster_view()) end",
    "for i = 0, n - 1 do local req, inst, cluster = request(), instance(i), cluster_view()",
  }
  for s = 1, count do
    lines[#lines + 1] = format("d.current_scorer = %d local v%d = score%d(req, inst, cluster) "
                               .. "if type(v%d) ~= 'number' or v%d ~= v%d then check(%d, i, v%d) end "
                               .. "out[%d * n + i] = v%d",
                               s, s, s, s, s, s, s, s, s - 1, s)
  end
  lines[#lines + 1] = "end leave() end"
  lines[#lines + 1] = "return decide, rebind end"
  return table.concat(lines, "\n")
end

-- The functions C++ calls for a list of scorers: decide (once per routing decision: every
-- prepare hook, then one loop over the instances calling every scorer, generated for exactly
-- this many scorers with each scorer an upvalue of its own, so every call site sees one
-- function and LuaJIT inlines them all into one trace), rebind (after C++ grew its arrays:
-- reading a pointer field boxes a new cdata, which the per-decision call should not pay for)
-- and release (the C++ side is going away: no view of it may be read again).
function M.bind_scorers(decision_lud, entries)
  local d = ffi.cast(decision_ptr_t, decision_lud)  -- once per run, never per call
  local views = bind_views(d)
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
    if type(v) ~= "number" then
      error(format("scorer '%s' returned %s for instance_%d, expected a number", names[s],
                   v == nil and "nil" or type(v), i), 0)
    end
    error(format("scorer '%s' returned NaN for instance_%d, expected a number (a NaN score would silently "
                 .. "lose to every other instance)", names[s], i), 0)
  end
  local prepare_decision
  if #prepares > 0 then
    prepare_decision = function(req, cluster)
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
  local decide, rebind = make(d, views, check, prepare_decision, unpack(scores, 1, count))
  return decide, rebind, views.release
end


-- The functions C++ calls for an admission rule: decide (once per admission decision: returns
-- admitted (boolean) and a reason), rebind and release as for scorers.
function M.bind_admission(decision_lud, rule, name)
  local d = ffi.cast(decision_ptr_t, decision_lud)
  local views = bind_views(d)
  local raw_cluster, enter, leave = d.cluster, views.enter, views.leave  -- the engine's struct: n is read here
  local function decide()
    enter(raw_cluster.num_instances)
    local admitted, reason = rule(views.request(), views.cluster())
    leave()
    if type(admitted) ~= "boolean" then
      error(format("admission rule '%s' returned %s, expected true or false (and an optional reason)", name,
                   admitted == nil and "nothing" or type(admitted)), 0)
    end
    if reason ~= nil and type(reason) ~= "string" then
      error(format("admission rule '%s' returned a %s reason, expected a string", name, type(reason)), 0)
    end
    return admitted, reason
  end
  return decide, views.moved, views.release
end


return M
