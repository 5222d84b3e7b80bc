-- example scenario that demonstrates a Lua workload made of explicit token lists: a few
-- documents shared by many questions (the generator itself knows nothing of prefixes)
local documents = {}
for d = 1, 5 do
  local doc = {}
  for i = 1, 300 + 40 * d do doc[i] = d * 1000 + i end
  documents[d] = doc
end

local function traffic(gen)
  local t = 0
  for q = 1, 200 do
    t = t + math.floor(gen:exp() * 50000) + 1
    local doc = documents[gen:intn(#documents) + 1]
    local prompt = {}
    for i = 1, #doc do prompt[i] = doc[i] end
    for i = 1, 20 + gen:intn(60) do prompt[#prompt + 1] = 100000 + gen:intn(5000) end
    gen:emit{ at_us = t, input = prompt, output_tokens = 40 + gen:intn(80) }
  end
end

return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  instances = 2,
  engine = { kv_blocks = 400 },
  routing = { policy = "weighted" },
  workload = traffic,
}
