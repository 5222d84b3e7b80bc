-- example scenario that demonstrates the built-in weighted scorers (the reference run for
-- lua_scorers.lua: both must print the same stdout)
local p = blis.params{ instances = 4, rate = 60, requests = 300, prefix = 64, scorer = "all" }
local scorers = {
  all = { {"prefix-affinity", 3}, {"queue-depth", 2}, {"kv-utilization", 2}, {"load-balance", 1} },
  ["queue-depth"] = { {"queue-depth", 1} },
  ["kv-utilization"] = { {"kv-utilization", 1} },
  ["load-balance"] = { {"load-balance", 1} },
  ["prefix-affinity"] = { {"prefix-affinity", 1} },
}
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  instances = p.instances,
  engine = { kv_blocks = 20000 },
  routing = { policy = "weighted", scorers = scorers[p.scorer] },
  workload = blis.workload.distribution{ rate = p.rate, requests = p.requests, prefix_tokens = p.prefix },
  trace = { level = "decisions", counterfactual_k = 2, summarize = true },
}
