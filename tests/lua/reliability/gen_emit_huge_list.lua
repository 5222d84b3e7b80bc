-- An accumulated prompt over the per-request cap: the error names the round and the cap.
local function traffic(gen)
  local rounds = {}
  for i = 1, 3 do rounds[i] = { after_us = 1000, input_tokens = 4000000, output_tokens = 1 } end
  gen:emit{ at_us = 1000, input_tokens = 10, output_tokens = 5, accumulate = true, follow_ups = rounds }
end
return blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, workload = traffic }
