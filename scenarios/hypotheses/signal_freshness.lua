-- Hypothesis: a routing signal is only as good as it is fresh. Queue depth is read live at
-- every decision; KV utilization comes from snapshots refreshed every `snapshot_refresh_us`.
-- Routing on a stale signal sends burst after burst to the instance that looked emptiest at
-- the last refresh, so with a 500 ms refresh kv-utilization routing balances worse than
-- queue-depth routing (higher TTFT), while with live snapshots the two are close.
--
--   build/blis scenarios/hypotheses/signal_freshness.lua [--jobs N] [--strict]
local common = require "hypotheses.common"
local p = blis.params{ requests = { "requests per run", 2000 } }

local ex = blis.experiment{
  name = "signal freshness",
  base = blis.scenario{
    model = common.model, defaults_file = common.defaults_file, instances = 4,
    engine = { kv_blocks = 30000 },
    routing = { policy = "weighted" },
    workload = blis.workload.distribution{ rate = 120, requests = p.requests },
  },
  vary = {
    ["routing.scorers"] = { queue_depth = { {"queue-depth", 1} }, kv_utilization = { {"kv-utilization", 1} } },
    ["routing.snapshot_refresh_us"] = { 0, 500000 },
  },
  seeds = { 1, 2, 3, 4, 5 },
  collect = { "ttft_ms.mean", "ttft_ms.p99", "e2e_ms.mean" },
}
local res = ex:run()
res:table("ttft_ms.mean", { baseline = { ["routing.scorers"] = "queue_depth" } })
res:table("ttft_ms.p99", { baseline = { ["routing.scorers"] = "queue_depth" } })
res:expect("with a 500 ms refresh, stale kv-utilization routing has a higher mean TTFT than live queue-depth routing",
           "ttft_ms.mean", { ["routing.scorers"] = "kv_utilization", ["routing.snapshot_refresh_us"] = 500000 }, ">",
           { ["routing.scorers"] = "queue_depth", ["routing.snapshot_refresh_us"] = 500000 })
res:expect("kv-utilization routing gets worse when its signal goes stale", "ttft_ms.mean",
           { ["routing.scorers"] = "kv_utilization", ["routing.snapshot_refresh_us"] = 500000 }, ">",
           { ["routing.scorers"] = "kv_utilization", ["routing.snapshot_refresh_us"] = 0 })
