-- a scorer that reaches for math.random
local function coin(_, _) return math.random() end
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  instances = 2,
  routing = { scorers = { {coin, 1} } },
  workload = blis.workload.distribution{ rate = 50, requests = 20 },
}
