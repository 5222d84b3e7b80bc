return blis.scenario{ compat = "reference", model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  workload = blis.workload.spec{ aggregate_rate = 10, num_requests = 5,
    clients = { { id = "a", rate_fraction = 1, arrival = { process = "poisson" },
      input_distribution = { type = "empirical", params = { [math.huge] = 1 } },
      output_distribution = { type = "constant", params = { value = 5 } } } } } }
