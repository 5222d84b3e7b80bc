-- a scorer list naming a scorer that does not exist
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  instances = 2,
  routing = { scorers = { {"queue-dept", 1} } },
  workload = blis.workload.distribution{ rate = 50, requests = 20 },
}
