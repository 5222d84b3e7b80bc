-- Hypothesis (the reference's H3): a routing signal is only as good as it is fresh. Queue depth
-- changes the moment a request is routed; KV utilization changes only when an instance runs a
-- step, and with `snapshot_refresh_us` > 0 the router sees it only at each refresh. Requests
-- routed between two updates all go to the instance that looked emptiest, so kv-utilization
-- routing balances worse than queue-depth routing even with live snapshots, and far worse with
-- a 500 ms refresh. Over a whole run every instance still gets about the same number of
-- requests; the imbalance is in bursts, and shows in TTFT.
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
  collect = { "ttft_ms.mean", "ttft_ms.p99" },
}
local res = ex:run()
res:table("ttft_ms.mean", { baseline = { ["routing.scorers"] = "queue_depth" } })
res:table("ttft_ms.p99", { baseline = { ["routing.scorers"] = "queue_depth" } })
res:expect("queue-depth routing beats kv-utilization routing even with live snapshots", "ttft_ms.mean",
           { ["routing.scorers"] = "queue_depth", ["routing.snapshot_refresh_us"] = 0 }, "<",
           { ["routing.scorers"] = "kv_utilization", ["routing.snapshot_refresh_us"] = 0 })
res:expect("with a 500 ms refresh, stale kv-utilization routing has a higher mean TTFT than live queue-depth routing",
           "ttft_ms.mean", { ["routing.scorers"] = "kv_utilization", ["routing.snapshot_refresh_us"] = 500000 }, ">",
           { ["routing.scorers"] = "queue_depth", ["routing.snapshot_refresh_us"] = 500000 })
res:expect("kv-utilization routing gets worse when its signal goes stale", "ttft_ms.mean",
           { ["routing.scorers"] = "kv_utilization", ["routing.snapshot_refresh_us"] = 500000 }, ">",
           { ["routing.scorers"] = "kv_utilization", ["routing.snapshot_refresh_us"] = 0 })
