-- example scenario that demonstrates a routing scorer written in Lua: prefer lightly loaded
-- instances, but keep away from those whose KV cache is nearly full
local function light_with_headroom(req, inst)
  local headroom = inst.kv_utilization < 0.9 and 1 or 0.2
  return headroom / (1 + inst.effective_load)  -- effective_load = queue + batch + pending
end

return blis.scenario{
  model = { name = "meta-llama/llama-3.1-8b-instruct", gpu = "H100", tp = 1 },
  instances = 4,
  routing = { scorers = { {"prefix-affinity", 1}, {light_with_headroom, 2} } },
  workload = blis.workload.distribution{ rate = 40, requests = 2000, prefix_tokens = 256 },
  trace = { level = "decisions", counterfactual_k = 2, summarize = true },
}
