-- example experiment with a claim the numbers refute: --strict turns it into exit status 3
local ex = blis.experiment{
  base = blis.scenario{
    model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
    workload = blis.workload.distribution{ rate = 10, requests = 50 },
  },
  vary = { rate = { 5, 50 } },
  collect = { "e2e_ms.mean" },
}
local res = ex:run()
res:expect("a higher rate makes requests faster", "e2e_ms.mean", { rate = 50 }, "<", { rate = 5 })
