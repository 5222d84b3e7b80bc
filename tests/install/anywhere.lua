-- A scenario written as a user outside the checkout writes it (tests/install/run_install_test.py):
-- no paths at all. The coefficients come from the shipped defaults.yaml, and the scorer and the
-- admission rule are the Lua modules blis ships in scripts/, found through blis's data folder.
local p = blis.params{ requests = { "number of requests", 300 } }
local queue_depth = require "scripts.scorers.queue_depth"
local bucket = require("scripts.admission.token_bucket"){ capacity = 3000, refill_per_s = 5000 }

return blis.scenario{
  model = { name = "meta-llama/llama-3.1-8b-instruct", gpu = "H100", tp = 1, vllm_version = "vllm/vllm-openai:v0.8.4" },
  instances = 2,
  admission = bucket,
  routing = { scorers = { { queue_depth, 1 } } },
  workload = blis.workload.distribution{ rate = 20, requests = p.requests },
}
