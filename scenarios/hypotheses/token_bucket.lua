-- Hypothesis (the reference's H5): under bursty arrivals (Gamma, CV 3.5) a token bucket in front
-- of the cluster protects the latency of the requests it admits. It does so by shedding load —
-- rejecting requests in bursts — not by smoothing them: the p99 TTFT of admitted requests is
-- lower than when everything is admitted, and the rejected count is the price. The bucket
-- refills at about the cluster's capacity in prompt tokens per second.
--
--   build/blis scenarios/hypotheses/token_bucket.lua [--jobs N] [--strict]
local common = require "hypotheses.common"
local p = blis.params{ requests = { "requests per run", 3000 } }

local bursty = blis.workload.spec{
  aggregate_rate = 70, num_requests = p.requests,
  clients = { { id = "bursty", rate_fraction = 1, arrival = { process = "gamma", cv = 3.5 },
                input_distribution = { type = "gaussian", params = { mean = 512, std_dev = 128, min = 32, max = 2048 } },
                output_distribution = { type = "gaussian", params = { mean = 256, std_dev = 64, min = 16, max = 1024 } } } },
}

local ex = blis.experiment{
  name = "token bucket",
  base = blis.scenario{ model = common.model, defaults_file = common.defaults_file, instances = 2,
                        engine = { kv_blocks = 30000 }, routing = { policy = "least-loaded" }, workload = bursty },
  vary = {
    admission = { always = { policy = "always-admit" },
                  bucket = { policy = "token-bucket", capacity = 20000, refill_per_s = 36000 } },
  },
  seeds = { 1, 2, 3, 4, 5, 6 },
  collect = { "ttft_ms.p99", "ttft_ms.mean", "rejected" },
}
local res = ex:run()
res:table("ttft_ms.p99", { baseline = { admission = "always" } })
res:table("rejected")
res:expect("the token bucket lowers the p99 TTFT of admitted requests under bursts", "ttft_ms.p99",
           { admission = "bucket" }, "<", { admission = "always" })
res:expect("the token bucket pays for it by rejecting requests", "rejected", { admission = "bucket" }, ">",
           { admission = "always" })
