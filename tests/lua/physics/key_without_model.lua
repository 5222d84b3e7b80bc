-- latency.dp without latency.model = "physics" would do nothing: an error naming this line.
return blis.scenario{
  model = { name = "meta-llama/llama-3.1-8b-instruct", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  latency = {
    dp = 2,
  },
  workload = blis.workload.distribution{ rate = 1, requests = 1 },
}
