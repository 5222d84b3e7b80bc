-- A scorer that never returns: LuaJIT compiles the loop, where no hook runs (docs/safety.md).
local function spin(req, inst) while true do end end
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, instances = 2,
  routing = { scorers = { {spin, 1} } },
  workload = blis.workload.distribution{ rate = 10, requests = 5 },
}
