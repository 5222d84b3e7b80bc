-- a Lua workload generator with a mistake chosen by --mistake=...
local p = blis.params{ mistake = "decreasing" }
local function traffic(gen)
  gen:emit{ at_us = 1000, input_tokens = 10, output_tokens = 5 }
  if p.mistake == "decreasing" then
    gen:emit{ at_us = 500, input_tokens = 10, output_tokens = 5 }
  elseif p.mistake == "missing" then
    gen:emit{ at_us = 2000, output_tokens = 5 }
  elseif p.mistake == "runtime" then
    local settings = nil
    gen:emit{ at_us = 2000, input_tokens = settings.length, output_tokens = 5 }
  end
end
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  workload = traffic,
}
