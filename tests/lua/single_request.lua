-- the hand-checkable single-request example of the spec (engine-core §11.1), as a scenario
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  workload = blis.workload.csv_trace{ path = "tests/lua/single_request.csv" },
}
