-- A scorer that writes a view field: an error naming the field at the scorer's line.
local function greedy(req, inst, cluster)
  inst.queue_depth = 0
  return 1
end
return blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, instances = 2, routing = { scorers = { {greedy, 1} } },
  workload = blis.workload.distribution{ rate = 10, requests = 5 } }
