local t = { id = "a", rate_fraction = 1, arrival = { process = "poisson" },
      input_distribution = { type = "constant", params = { value = 5 } },
      output_distribution = { type = "constant", params = { value = 5 } } }
t.self = t
return blis.scenario{ compat = "reference", model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, workload = blis.workload.spec{ aggregate_rate = 1, num_requests = 5, clients = { t } } }
