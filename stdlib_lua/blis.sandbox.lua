-- The environment user code runs in (docs/safety.md "Sandbox"). Scenario files, experiment
-- scripts and the modules they require get a globals table of their own: the safe parts of the
-- standard library, reads limited to the scenario's folders, and no way to run commands, write
-- files, reach C (ffi, package.loadlib), inspect blis's internals (debug) or end the process.
-- The stdlib keeps the real globals, so its own use of ffi, debug and io is unaffected.
-- A blocked name raises an error saying so and how to open it; `sandbox = false` in a
-- scenario calls M.open(), after which every blocked name reaches the real one.
local M = {}

local real_G = _G
local real = {
  io = io, os = os, package = package, require = require, load = load, loadfile = loadfile,
  dofile = dofile, getfenv = getfenv, setfenv = setfenv, jit = jit,
}
local type, error, pairs, ipairs, setmetatable, tostring, rawget = type, error, pairs, ipairs, setmetatable, tostring, rawget
local format, gsub, find, match, gmatch = string.format, string.gsub, string.find, string.match, string.gmatch

local opened = false
local HOW = "; run blis with --unsafe (or set sandbox = false in the scenario) to allow it (docs/safety.md)"

local function blocked(name, level)
  error(name .. " is blocked by the blis sandbox" .. HOW, level + 1)
end

-- A library table holding `allowed` (and `own` replacements); any other name the real library
-- has is blocked until the sandbox is opened.
local function library(name, lib, allowed, own)
  local t = {}
  for _, key in ipairs(allowed) do t[key] = lib[key] end
  for key, value in pairs(own or {}) do t[key] = value end
  return setmetatable(t, {
    __index = function(_, key)
      if opened then return lib[key] end
      if lib[key] ~= nil then blocked(name .. "." .. tostring(key), 2) end
      return nil
    end,
    __metatable = false,
  })
end

local function copy(lib)
  local t = {}
  for k, v in pairs(lib) do t[k] = v end
  return t
end

-- new{ may_read = function(path) -> ok, why } -> the environment. One per Lua state: later
-- calls return the first one.
local env
function M.new(options)
  if env then return env end
  local may_read = options.may_read
  env = {}

  local function check_read(fname, path, level)
    if opened or type(path) ~= "string" then return end
    local ok, why = may_read(path)
    if not ok then error(format("%s(%q): %s", fname, path, why) .. HOW, level + 1) end
  end

  local function load_text(chunk, name, mode, e)
    if mode ~= nil and mode ~= "t" and not opened then blocked("loading binary chunks", 2) end
    return real.load(chunk, name, opened and mode or "t", e or env)
  end
  local function loadfile_checked(path, mode, e)
    check_read("loadfile", path, 2)
    if mode ~= nil and mode ~= "t" and not opened then blocked("loading binary chunks", 2) end
    return real.loadfile(path, opened and mode or "t", e or env)
  end

  local io_own = {
    open = function(path, mode)
      if opened then return real.io.open(path, mode) end
      if mode ~= nil and mode ~= "r" and mode ~= "rb" then
        blocked(format("io.open(%q, %q) (writing files)", tostring(path), tostring(mode)), 2)
      end
      check_read("io.open", path, 2)
      return real.io.open(path, mode)
    end,
    lines = function(path, ...)
      check_read("io.lines", path, 2)
      return real.io.lines(path, ...)
    end,
    input = function(file)
      check_read("io.input", file, 2)
      return real.io.input(file)
    end,
  }
  env.io = library("io", real.io, { "read", "write", "close", "type", "stdin", "stdout", "stderr" }, io_own)
  env.os = library("os", real.os, { "clock", "date", "time", "difftime" })
  env.debug = library("debug", debug, {})
  env.jit = library("jit", real.jit or {}, { "version", "version_num", "os", "arch" })
  for _, name in ipairs({ "string", "table", "math", "coroutine", "bit" }) do env[name] = copy(real_G[name]) end
  for _, name in ipairs({ "assert", "error", "ipairs", "pairs", "next", "pcall", "xpcall", "print", "select",
                          "tonumber", "tostring", "type", "unpack", "rawequal", "rawget", "rawset", "setmetatable",
                          "getmetatable", "collectgarbage", "gcinfo", "newproxy", "_VERSION" }) do
    env[name] = real_G[name]
  end
  env._G = env

  env.load = load_text
  env.loadstring = function(s, name) return load_text(s, name, "t") end
  env.loadfile = loadfile_checked
  env.dofile = function(path)
    check_read("dofile", path, 2)
    local f = assert(loadfile_checked(path))
    return f()
  end

  -- getfenv never hands out the stdlib's globals (they hold the real io, os, debug, ...), and
  -- setfenv cannot change a stdlib function's.
  env.getfenv = function(f)
    if f == nil then f = 1 end
    if type(f) == "number" and f > 0 then f = f + 1 end
    local e = real.getfenv(f)
    if e == real_G and not opened then return env end
    return e
  end
  env.setfenv = function(f, t)
    if type(f) == "number" then
      if f == 0 and not opened then blocked("setfenv(0, ...)", 2) end
      if f > 0 then f = f + 1 end
    end
    if real.getfenv(f) == real_G and not opened then blocked("setfenv on a blis library function", 2) end
    return real.setfenv(f, t)
  end

  -- require: the blis modules, the safe libraries, and Lua modules found on package.path (the
  -- loader puts the scenario's folder, its parent and the working directory first), loaded as
  -- text into this environment. C modules (package.cpath) are out of reach.
  local loaded = {}
  local original_path = {}
  for template in gmatch(real.package.path, "[^;]+") do original_path[template] = true end
  local internal = { ["blis.sandbox"] = true, ["blis.locate"] = true }
  local safe = { string = env.string, table = env.table, math = env.math, coroutine = env.coroutine, bit = env.bit,
                 io = env.io, os = env.os, jit = env.jit }
  env.package = library("package", real.package, {}, { loaded = loaded, path = real.package.path, preload = {} })
  env.require = function(name)
    if opened then return real.require(name) end
    if type(name) ~= "string" then error("bad argument #1 to 'require' (string expected, got " .. type(name) .. ")", 2) end
    if loaded[name] ~= nil then return loaded[name] end
    if safe[name] then return safe[name] end
    if name == "blis" or (find(name, "^blis%.") and real.package.preload[name] and not internal[name]) then
      return real.require(name)
    end
    if real.package.loaded[name] ~= nil or name == "ffi" or find(name, "^jit%.") then
      blocked(format("require(%q)", name), 2)
    end
    if not match(name, "^[%w_][%w_%-%.]*$") or find(name, "..", 1, true) then  -- no paths
      error(format("require(%q): not a module name (letters, digits, '_', '-' and '.')", name), 2)
    end
    local file = gsub(name, "%.", "/")
    local tried = {}
    -- The script may extend package.path (e.g. with a library folder); what it adds may only
    -- name Lua source files, or files the read rules allow.
    for template in gmatch(rawget(env.package, "path") or real.package.path, "[^;]+") do
      local candidate = gsub(template, "%?", file)
      local allowed = original_path[template] or find(candidate, "%.lua$") or may_read(candidate)
      local f = allowed and real.io.open(candidate, "r")
      if f then
        f:close()
        local chunk, why = real.loadfile(candidate, "t", env)
        if not chunk then error(why, 2) end
        local result = chunk(name)
        if result ~= nil then loaded[name] = result end
        if loaded[name] == nil then loaded[name] = true end
        return loaded[name]
      end
      tried[#tried + 1] = "\n\tno file '" .. candidate .. "'"
    end
    error(format("module '%s' not found:%s", name, table.concat(tried)), 2)
  end
  return env
end

-- sandbox = false: from now on every blocked name reaches the real one.
function M.open()
  opened = true
end

return M
