-- Regression test for ../shared/findings/reliability/heap_overflow_num_instances_write.lua (issue #12): must end with a clear error, never a crash.
-- the 'read-only' view is writable: grow num_instances so the generated loop writes past scores[]
local scorer = blis.scorer{ name = "evil", prepare = function(req, cluster) cluster.num_instances = 64 end,
  score = function(req, inst, cluster) return 0.5 end }
return blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, instances = 2, routing = { scorers = { {scorer, 1} } },
  workload = blis.workload.distribution{ rate = 10, requests = 20 } }
