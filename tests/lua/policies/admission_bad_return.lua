-- an admission rule that returns a string instead of true/false
local function shed(req, cluster)
  if cluster.queued > 1 then return "no" end
  return true
end
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  instances = 2,
  admission = shed,
  workload = blis.workload.distribution{ rate = 500, requests = 20 },
}
