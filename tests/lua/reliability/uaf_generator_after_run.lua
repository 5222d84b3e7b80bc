-- Regression test for ../shared/findings/reliability/uaf_generator_after_run.lua (issue #12): must end with a clear error, never a crash.
local G
local function traffic(gen) G = gen; for i = 1, 3 do gen:emit{ at_us = i * 1000, input_tokens = 10, output_tokens = 5 } end end
return blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, workload = traffic,
  report = function(r) print("gen after run", pcall(function() return G:random() end)); print(pcall(function() G:emit{ at_us = 1e9, input_tokens = 1, output_tokens = 1 } end)) end }
