-- Lua scorers with a policy that would never call them
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  instances = 2,
  routing = { policy = "round-robin", scorers = { {function() return 1 end, 1} } },
  workload = blis.workload.distribution{ rate = 50, requests = 20 },
}
