-- example scenario that demonstrates a workload written in Lua: chat sessions with follow-ups,
-- and a batch tenant, arrivals from the engine's random streams
local p = blis.params{ sessions = 40, rate = 5 }

local function traffic(gen)
  local t = 0
  for i = 1, p.sessions do
    t = t + math.floor(gen:exp() / p.rate * 1e6) + 1        -- Poisson arrivals, p.rate per second
    gen:emit{ at_us = t, prefix_group = "system", prefix_length = 128,
              input_tokens = 50 + gen:intn(200), output_tokens = 100, slo_class = "interactive", tenant = "chat",
              accumulate = true,
              follow_ups = { { after_us = 3e6, input_tokens = 40, output_tokens = 80 },
                             { after_us = 5e6, input_tokens = 30, output_tokens = 60 } } }
    if i % 4 == 0 then
      gen:emit{ at_us = t, input_tokens = 2000, output_tokens = 20, slo_class = "batch", tenant = "bulk" }
    end
  end
end

return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  instances = 2,
  routing = { policy = "weighted" },
  workload = traffic,
}
