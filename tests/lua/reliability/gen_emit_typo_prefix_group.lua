-- A misspelled gen:emit key: an error with the closest real key, not a silently ignored field.
local function traffic(gen)
  for i = 1, 3 do gen:emit{ at_us = i * 1000, input_tokens = 10, output_tokens = 5, prefx_group = "system" } end
end
return blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, workload = traffic }
