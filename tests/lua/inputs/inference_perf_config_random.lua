-- An inference-perf config file with a data type blis does not generate, run from a scenario:
-- the scenario's line and key, then the file's line and key.
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  workload = blis.workload.inference_perf{ path = "tests/fixtures/inference_perf_config/random_data.yaml" },
}
