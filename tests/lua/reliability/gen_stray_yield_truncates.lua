-- Regression test for ../shared/findings/reliability/gen_stray_yield_truncates.lua (issue #12): must end with a clear error, never a crash.
local function traffic(gen)
coroutine.yield(42) gen:emit{ at_us = 1, input_tokens = 10, output_tokens = 5 }
end
return blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, instances = 2, workload = traffic  }
