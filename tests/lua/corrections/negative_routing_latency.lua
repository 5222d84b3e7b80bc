-- validate_latencies in a scenario (corrected mode by default): a negative control-plane latency
-- would schedule events in the past, so it is an error naming the key and its line.
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  instances = 2,
  routing = { policy = "least-loaded", latency_us = -250 },
  workload = blis.workload.distribution{ rate = 50, requests = 10 },
}
