-- An unknown routing policy name: the key, its line, the valid names and the closest one.
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  instances = 2,
  routing = { policy = "round_robin" },
  workload = blis.workload.distribution{ rate = 10, requests = 5 },
}
