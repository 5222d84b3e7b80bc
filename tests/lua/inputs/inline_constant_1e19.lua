-- An inline spec holds the same caps as a file; a table has no lines, so the key path says where.
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  workload = blis.workload.spec{
    aggregate_rate = 10, num_requests = 5,
    clients = { { id = "a", rate_fraction = 1, arrival = { process = "poisson" },
      input_distribution = { type = "constant", params = { value = 1e19 } },
      output_distribution = { type = "constant", params = { value = 5 } } } },
  },
}
