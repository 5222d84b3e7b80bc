-- trace.file needs decision tracing
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  workload = blis.workload.distribution{ rate = 50, requests = 5 },
  trace = { file = "decisions.jsonl" },
}
