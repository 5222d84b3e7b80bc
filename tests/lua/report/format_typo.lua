return blis.scenario{
  format = "humna",
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  workload = blis.workload.distribution{ rate = 10, requests = 5 },
}
