-- A misspelled view field: the error names the view, the field and the closest real field.
local function light(req, inst)
  return 1 / (1 + inst.queu_depth)
end
return blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, instances = 2, routing = { scorers = { {light, 1} } },
  workload = blis.workload.distribution{ rate = 10, requests = 5 } }
