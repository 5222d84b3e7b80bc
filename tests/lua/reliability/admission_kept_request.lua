-- An admission rule's request view kept past its decision and read by the next one: an error.
local previous
local function fifo(req, cluster)
  if previous ~= nil and previous.input_tokens > req.input_tokens then return false, "shorter" end
  previous = req
  return true
end
return blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, instances = 2, admission = fifo,
  workload = blis.workload.distribution{ rate = 10, requests = 5 } }
