-- A misspelled gen:emit key in a follow-up round and at the top: the error names the first.
local function traffic(gen)
  gen:emit{ at_us = 1000, input_tokens = 10, output_tokens = 5, tennant = "chat",
            follow_ups = { { after_us = 1000, input_tokens = 5, output_tokens = 5 } } }
end
return blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, workload = traffic }
