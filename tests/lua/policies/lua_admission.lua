-- example scenario that demonstrates the Lua versions of the built-in admission policies
-- (scripts/admission): prints exactly what native_admission.lua prints
local p = blis.params{ policy = "token-bucket", rate = 80, requests = 300 }
local rules = {
  ["always-admit"] = require "scripts.admission.always_admit",
  ["reject-all"] = require "scripts.admission.reject_all",
  ["token-bucket"] = require("scripts.admission.token_bucket"){ capacity = 3000, refill_per_s = 20000 },
}
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  instances = 3,
  engine = { kv_blocks = 20000 },
  admission = { policy = rules[p.policy], latency_us = 200 },
  routing = { policy = "least-loaded", latency_us = 100 },
  workload = blis.workload.distribution{ rate = p.rate, requests = p.requests },
  trace = { level = "decisions", counterfactual_k = 3, summarize = true },
}
