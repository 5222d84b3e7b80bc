-- a Lua scorer that forgets to return a number
local function forgetful(req, inst)
  local _ = req.input_tokens + inst.queue_depth
end
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  instances = 2,
  routing = { scorers = { {forgetful, 1} } },
  workload = blis.workload.distribution{ rate = 50, requests = 20 },
}
