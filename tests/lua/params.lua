-- a scenario with parameters of every type, overridable from the command line
local p = blis.params{
  rate = { "Arrival rate (req/s)", 10 },
  requests = 500,
  chatty = { "Log at info level", false },
  model = { "Model name", "foo" },
}

return blis.scenario{
  log = p.chatty and "info" or "warn",
  model = { name = p.model, alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  workload = blis.workload.distribution{ rate = p.rate, requests = p.requests },
}
