-- The scenario file itself loops before returning its scenario.
local n = 0
while true do n = n + 1 end
return blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, workload = blis.workload.distribution{ rate = 10, requests = 5 } }
