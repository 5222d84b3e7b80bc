-- sandbox = false opens the sandbox once the file has loaded: its top level still ran sandboxed,
-- the report hook (run after loading) may write a file.
local top = pcall(function() return os.getenv("HOME") end)
io.stderr:write("top level: os.getenv ", top and "reachable" or "blocked", "\n")
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  workload = blis.workload.distribution{ rate = 10, requests = 5 },
  sandbox = false,
  report = function(results)
    local f = assert(io.open("report_written.txt", "w"))
    f:write(results.completed_requests ~= nil and "written\n" or "no results\n")
    f:close()
    io.stderr:write("report hook: os.getenv ", type(os.getenv("HOME")) == "string" and "reachable" or "nil", "\n")
  end,
}
