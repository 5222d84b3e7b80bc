-- A loop LuaJIT cannot compile (it raises and catches an error each time round), so the count
-- hook sees every instruction and the instruction budget stops it.
local function busy(req, inst)
  while true do pcall(error, "again") end
end
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, instances = 2,
  routing = { scorers = { {busy, 1} } },
  workload = blis.workload.distribution{ rate = 10, requests = 5 },
}
