-- The JSON report (docs/output.md): two instances, two SLO classes and a 3 s horizon (60 of the
-- 80 requests arrive), so the config, cluster, instance and class blocks all have content.
return blis.scenario{
  format = "json",
  horizon_us = 3000000,
  instances = 2,
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  engine = { kv_blocks = 4000 },
  routing = { policy = "least-loaded" },
  workload = blis.workload.spec{
    version = "2", seed = 7, aggregate_rate = 20, num_requests = 80,
    clients = {
      { id = "chat", rate_fraction = 0.7, slo_class = "interactive",
        arrival = { process = "poisson" },
        input_distribution = { type = "gaussian", params = { mean = 300, std_dev = 80, min = 10, max = 900 } },
        output_distribution = { type = "gaussian", params = { mean = 120, std_dev = 40, min = 2, max = 400 } } },
      { id = "docs", rate_fraction = 0.3, slo_class = "batch",
        arrival = { process = "poisson" },
        input_distribution = { type = "gaussian", params = { mean = 1500, std_dev = 300, min = 100, max = 3000 } },
        output_distribution = { type = "gaussian", params = { mean = 60, std_dev = 20, min = 2, max = 200 } } },
    },
  },
}
