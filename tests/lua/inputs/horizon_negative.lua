-- blis run --horizon -1 runs no requests, as the reference does; in a scenario it is a mistake.
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  horizon_us = -1,
  workload = blis.workload.distribution{ rate = 10, requests = 5 },
}
