-- gen:emit from a routing scorer during the run: an error, not a request injected out of band.
local G
local function traffic(gen)
  G = gen
  for i = 1, 3 do gen:emit{ at_us = i * 1000, input_tokens = 10, output_tokens = 5 } end
end
local function meddling(req, inst)
  G:emit{ at_us = 1e6, input_tokens = 1, output_tokens = 1 }
  return 1
end
return blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, instances = 2, routing = { scorers = { {meddling, 1} } }, workload = traffic }
