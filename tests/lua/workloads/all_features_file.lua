-- example scenario that demonstrates a WorkloadSpec YAML file as a scenario's workload
return blis.scenario{
  format = "reference",  -- compared with workload_all_features_run (blis run) and with each other
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  instances = 2,
  workload = "tests/lua/workloads/all_features.yaml",
}
