-- a report hook that fails: blis still printed its own report, then the error and exit 1
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  workload = blis.workload.distribution{ rate = 50, requests = 5 },
  report = function(r) return r.cluster.no_such.field end,
}
