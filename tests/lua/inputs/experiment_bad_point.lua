-- An experiment whose second point sets an invalid KV size: the failure names the point, the
-- scenario key and the line that set it.
local ex = blis.experiment{
  base = function(p)
    return blis.scenario{
      model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
      engine = {
        kv_blocks = p.kv_blocks,
      },
      workload = blis.workload.distribution{ rate = 30, requests = 5 },
    }
  end,
  vary = { kv_blocks = { 1000, 0 } },
  collect = { completed = function(r) return r.cluster.completed end },
}
ex:run():table("completed")
