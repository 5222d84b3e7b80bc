-- 1/0 for an idle instance: +Inf is a valid score (clamped to 1 like any score above 1), so an
-- idle instance wins; the run succeeds.
local function idle_first(req, inst)
  return 1 / inst.queue_depth
end
return blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, instances = 2, routing = { scorers = { {idle_first, 1} } },
  workload = blis.workload.distribution{ rate = 10, requests = 5 } }
