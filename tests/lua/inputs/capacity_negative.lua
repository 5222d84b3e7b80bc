-- A token bucket with a negative capacity: found when the scenario is resolved, reported with
-- the scenario key and its line (blis run names the flag instead).
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  admission = {
    policy = "token-bucket",
    capacity = -1,
  },
  workload = blis.workload.distribution{ rate = 10, requests = 5 },
}
