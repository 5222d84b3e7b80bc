-- lowest_cost on a GPU the catalog has no price for, and no prices given
blis.search{
  base = blis.scenario{ model = { name = "meta-llama/llama-3.1-8b-instruct", gpu = "H100", tp = 1, alpha = { 232, 1.75, 3357 }, beta = { 5752, 17.2, 6.0 } }, engine = { kv_blocks = 29205 }, workload = blis.workload.distribution{ rate = 10, requests = 20, prompt_tokens = { mean = 100, std = 0, min = 100, max = 100 }, output_tokens = { mean = 10, std = 0, min = 10, max = 10 } } },
  knobs = { instances = { 1, 2 }, gpu = { "RTX-4090" } },
  slo = { ["ttft_ms.p99"] = 2000 },
  objective = "lowest_cost", rate = 10,
}
