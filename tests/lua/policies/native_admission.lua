-- example scenario that demonstrates the built-in admission policies (the reference run for
-- lua_admission.lua: both must print the same stdout)
local p = blis.params{ policy = "token-bucket", rate = 80, requests = 300 }
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  instances = 3,
  engine = { kv_blocks = 20000 },
  admission = { policy = p.policy, capacity = 3000, refill_per_s = 20000, latency_us = 200 },
  routing = { policy = "least-loaded", latency_us = 100 },
  workload = blis.workload.distribution{ rate = p.rate, requests = p.requests },
  trace = { level = "decisions", counterfactual_k = 3, summarize = true },
}
