-- limits = { ... } with an interpreted loop in a scorer and a small budget.
local function busy(req, inst)
  while true do for _ in pairs({ 1 }) do end end
end
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, instances = 2,
  limits = { lua_instructions = 200000, timeout_s = 60 },
  routing = { scorers = { {busy, 1} } },
  workload = blis.workload.distribution{ rate = 10, requests = 5 },
}
