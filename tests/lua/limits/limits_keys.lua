-- limits = { ... } in the scenario: a small instruction budget stops an interpreted loop.
local function busy(req, inst)
  while true do pcall(error, "again") end
end
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, instances = 2,
  limits = { lua_instructions = 10000, timeout_s = 600 },
  routing = { scorers = { {busy, 1} } },
  workload = blis.workload.distribution{ rate = 10, requests = 5 },
}
