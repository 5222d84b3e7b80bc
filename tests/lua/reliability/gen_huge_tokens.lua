-- Regression test for ../shared/findings/reliability/gen_huge_tokens.lua (issue #12): must end with a clear error, never a crash.
local function traffic(gen)
gen:emit{ at_us = 1000, input_tokens = 1e9, output_tokens = 5 }
end
return blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, instances = 2, workload = traffic  }
