-- 0/0 when every instance is idle: a NaN score is an error naming the scorer and the time.
local function ratio(req, inst, cluster)
  return inst.queue_depth / cluster.queued
end
return blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, instances = 2, routing = { scorers = { {ratio, 1} } },
  workload = blis.workload.distribution{ rate = 10, requests = 5 } }
