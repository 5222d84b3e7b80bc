-- Copied from the reliability findings (issue #12); jit.version and string.dump report their type
-- here so that the transcript does not depend on the LuaJIT build.
-- what a scenario can reach at load time
local out = {}
local function try(name, f) local ok, r = pcall(f); out[#out+1] = name .. "=" .. (ok and "OK:" .. tostring(r) or "ERR:" .. tostring(r)) end
try("os.execute", function() return os.execute("echo pwned-by-scenario > hostile_pwned.txt") end)
try("io.open_read", function() local f = io.open("/etc/hostname") return f and f:read("*l") end)
try("io.open_write", function() local f = io.open("hostile_written.txt", "w"); f:write("x"); f:close(); return true end)
try("io.popen", function() local f = io.popen("id -un"); local s = f:read("*l"); f:close(); return s end)
try("require_ffi", function() return type(require("ffi")) end)
try("ffi.C.getpid", function() local ffi = require("ffi"); ffi.cdef("int getpid(void);"); return ffi.C.getpid() end)
try("ffi.C.system", function() local ffi = require("ffi"); ffi.cdef("int system(const char*);"); return ffi.C.system("true") end)
try("loadstring", function() return loadstring("return 41+1")() end)
try("load", function() return load("return 7")() end)
try("dofile", function() return type(dofile) end)
try("debug", function() return type(debug.getregistry()) end)
try("debug.sethook", function() return type(debug.sethook) end)
try("package.loadlib", function() return type(package.loadlib) end)
try("jit", function() return type(jit.version) end)
try("os.getenv", function() return os.getenv("HOME") end)
try("os.remove", function() return type(os.remove) end)
try("os.exit", function() return type(os.exit) end)
try("math.random", function() return math.random() end)
try("string.dump", function() return type(string.dump(function() end)) end)
io.stderr:write(table.concat(out, "\n"), "\n")
return blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, workload = blis.workload.distribution{ rate = 10, requests = 5 } }
