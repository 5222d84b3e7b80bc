-- A scorer that allocates without end; the heap cap stops it (limits.lua_memory_mb).
local kept = {}
local function hoard(req, inst)
  while true do kept[#kept + 1] = { 1, 2, 3, 4 } end
end
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, instances = 2,
  limits = { lua_memory_mb = 64 },
  routing = { scorers = { {hoard, 1} } },
  workload = blis.workload.distribution{ rate = 10, requests = 5 },
}
