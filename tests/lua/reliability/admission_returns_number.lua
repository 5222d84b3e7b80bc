-- An admission rule must return a boolean: 1 (truthy in Lua) is an error naming the rule.
local function admit_all(req, cluster)
  return 1
end
return blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, instances = 2, admission = admit_all,
  workload = blis.workload.distribution{ rate = 10, requests = 5 } }
