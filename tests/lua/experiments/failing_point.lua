-- example experiment that demonstrates a failing point: the scorer fails on 4 instances only;
-- the other points still produce their tables and files, and the failure names the point
local function picky(req, inst)
  if inst.index == 3 then error("instance 3 is not allowed") end
  return 1 / (1 + inst.queue_depth)
end

local ex = blis.experiment{
  base = function(p)
    return blis.scenario{
      model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
      instances = p.instances,
      routing = { policy = "weighted", scorers = { {picky, 1} } },
      workload = blis.workload.distribution{ rate = 30, requests = 50 },
    }
  end,
  vary = { instances = { 2, 4 } },
  seeds = { 1, 2 },
  collect = { "ttft_ms.mean", completed = function(r) return r.cluster.completed end },
}
local res = ex:run()
res:table("ttft_ms.mean")
io.write(res:csv())
