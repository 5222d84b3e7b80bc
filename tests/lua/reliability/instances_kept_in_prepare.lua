-- cluster.instances kept from a scorer's prepare step and read in the report hook: an error, not
-- a read of the engine's memory after the run.
local kept
local scorer = blis.scorer{ name = "keeper",
  prepare = function(req, cluster) kept = cluster.instances end,
  score = function(req, inst, cluster) return 1 / (1 + cluster.instances[inst.index].queue_depth) end }
return blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, instances = 2, routing = { scorers = { {scorer, 1} } },
  workload = blis.workload.distribution{ rate = 10, requests = 5 },
  report = function(r) print("instances", #kept) end }
