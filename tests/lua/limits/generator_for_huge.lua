-- A workload generator stuck before its first emit.
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  workload = function(gen) local n = 0 for i = 1, math.huge do n = n + 1 end gen:emit{ input_tokens = 10, output_tokens = 10 } end,
}
