-- Regression test for ../shared/findings/reliability/ffi_oob_read_segv.lua (issue #12): must end with a clear error, never a crash.
local function s(req, inst, cluster) return cluster.instances[100000].queue_depth end
return blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, instances = 2, routing = { scorers = { {s, 1} } },
  workload = blis.workload.distribution{ rate = 10, requests = 20 } }
