return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  engine = {
    max_running = 8,
    kv_blocks = 0,
  },
  workload = blis.workload.distribution{ rate = 10, requests = 5 },
}
