-- Lua version of the built-in "load-balance" scorer (§B.5): 1 / (1 + load), load = queue depth
-- + batch size + pending requests.
return blis.scorer{
  name = "load-balance (lua)",
  score = function(_, inst) return 1.0 / (1.0 + inst.effective_load) end,
}
