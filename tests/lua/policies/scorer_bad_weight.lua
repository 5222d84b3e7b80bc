-- a scorer list with a zero weight
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  instances = 2,
  routing = { scorers = { {"queue-depth", 1}, {"load-balance", 0} } },
  workload = blis.workload.distribution{ rate = 50, requests = 20 },
}
