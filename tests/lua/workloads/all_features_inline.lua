-- example scenario that demonstrates a WorkloadSpec written inline as a Lua table: it prints
-- exactly what all_features_file.lua (the same spec as YAML) prints
return blis.scenario{
  format = "reference",  -- compared with workload_all_features_run (blis run) and with each other
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  instances = 2,
  workload = blis.workload.spec{
    version = "1", seed = 7, category = "language", aggregate_rate = 200, num_requests = 600,
    horizon = 60000000,
    clients = {
      { id = "chat", tenant_id = "tenant-a", slo_class = "interactive", rate_fraction = 3, streaming = true,
        prefix_group = "sys-prompt", prefix_length = 256,
        arrival = { process = "gamma", cv = 2.0 },
        input_distribution = { type = "gaussian", params = { mean = 128, std_dev = 40, min = 16, max = 1024 } },
        output_distribution = { type = "exponential", params = { mean = 200 } },
        lifecycle = { windows = { { start_us = 0, end_us = 30000000 }, { start_us = 45000000, end_us = 60000000 } } } },
      { id = "bulk", tenant_id = "tenant-b", slo_class = "batch", rate_fraction = 1,
        arrival = { process = "weibull", cv = 0.5 },
        input_distribution = { type = "pareto_lognormal",
                               params = { alpha = 1.5, xm = 50, mu = 5.5, sigma = 1.2, mix_weight = 0.3 } },
        output_distribution = { type = "empirical", params = { ["64"] = 0.5, ["256"] = 0.3, ["1024"] = 0.2 } },
        network = { rtt_ms = 20, bandwidth_mbps = 100 } },
    },
  },
}
