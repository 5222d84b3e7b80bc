-- A limit out of range names its key path.
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  limits = { lua_memory_mb = 1 },
  workload = blis.workload.distribution{ rate = 10, requests = 5 },
}
