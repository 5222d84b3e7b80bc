-- example experiment that collects a metric the results do not have: every point fails alike
local ex = blis.experiment{
  base = blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
                        workload = blis.workload.distribution{ rate = 10, requests = 20 } },
  vary = { instances = { 1, 2, 3 } },
  collect = { "ttft.p99" },
}
ex:run():table("ttft.p99")
