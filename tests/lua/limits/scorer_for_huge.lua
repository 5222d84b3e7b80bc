-- A scorer counting to infinity.
local function count(req, inst) local n = 0 for i = 1, math.huge do n = n + i end return n end
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, instances = 2,
  routing = { scorers = { {count, 1} } },
  workload = blis.workload.distribution{ rate = 10, requests = 5 },
}
