-- a Lua scorer that fails at run time: the error names the scorer, where it is defined, the
-- simulated time and the failing line
local function fragile(req, inst)
  if req.id == 7 then return inst.no_such_field.x end
  return 1
end
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  instances = 2,
  routing = { scorers = { {"queue-depth", 1}, {fragile, 1} } },
  workload = blis.workload.distribution{ rate = 50, requests = 20 },
}
