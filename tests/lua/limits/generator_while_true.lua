-- A workload generator that never emits and never returns.
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  workload = function(gen) while true do end end,
}
