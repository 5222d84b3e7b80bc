-- example scenario that demonstrates the Lua versions of the built-in scorers (scripts/scorers):
-- prints exactly what native_scorers.lua prints
local p = blis.params{ instances = 4, rate = 60, requests = 300, prefix = 64, scorer = "all" }
local queue_depth = require "scripts.scorers.queue_depth"
local kv_utilization = require "scripts.scorers.kv_utilization"
local load_balance = require "scripts.scorers.load_balance"
local prefix_affinity = require "scripts.scorers.prefix_affinity"
local scorers = {
  all = { {prefix_affinity, 3}, {queue_depth, 2}, {kv_utilization, 2}, {load_balance, 1} },
  ["queue-depth"] = { {queue_depth, 1} },
  ["kv-utilization"] = { {kv_utilization, 1} },
  ["load-balance"] = { {load_balance, 1} },
  ["prefix-affinity"] = { {prefix_affinity, 1} },
}
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  instances = p.instances,
  engine = { kv_blocks = 20000 },
  routing = { policy = "weighted", scorers = scorers[p.scorer] },
  workload = blis.workload.distribution{ rate = p.rate, requests = p.requests, prefix_tokens = p.prefix },
  trace = { level = "decisions", counterfactual_k = 2, summarize = true },
}
