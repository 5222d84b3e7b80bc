-- A scorer that writes a field the request view does not have: still an error (views are read-only).
local function tag(req, inst)
  req.seen = true
  return 1
end
return blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, instances = 2, routing = { scorers = { {tag, 1} } },
  workload = blis.workload.distribution{ rate = 10, requests = 5 } }
