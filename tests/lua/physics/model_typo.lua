-- latency.model misspelled: the error names this file's line and suggests "physics".
return blis.scenario{
  model = { name = "meta-llama/llama-3.1-8b-instruct" },
  latency = { model = "phyiscs", gpu = "H100" },
  workload = blis.workload.distribution{ rate = 1, requests = 1 },
}
