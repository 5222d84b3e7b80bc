-- A misspelled key inside follow_ups: the error names the round.
local function traffic(gen)
  gen:emit{ at_us = 1000, input_tokens = 10, output_tokens = 5,
            follow_ups = { { after_us = 1000, input_tokens = 5, output_tokens = 5 },
                           { after_us = 1000, input_tokns = 5, output_tokens = 5 } } }
end
return blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, workload = traffic }
