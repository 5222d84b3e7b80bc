-- Hypothesis (the reference's Prefix-Affinity study): on prefix-heavy traffic, routing that knows where prefixes are cached
-- (prefix-affinity scorer) beats load-only routing (queue depth alone): more cache hits and a
-- lower TTFT. Sixteen 2,048-token system prompts shared by many users, 4 instances whose KV
-- caches cannot hold every prompt at once.
--
--   build/blis scenarios/hypotheses/prefix_affinity.lua [--jobs N] [--strict]
local common = require "hypotheses.common"
local p = blis.params{ requests = { "requests per run", 1500 } }

local traffic = blis.workload.spec{
  aggregate_rate = 80, num_requests = p.requests,
  clients = (function()
    local clients = {}
    for i = 1, 16 do
      clients[i] = { id = "app-" .. i, rate_fraction = 1, arrival = { process = "poisson" },
                     prefix_group = "system-" .. i, prefix_length = 2048,
                     input_distribution = { type = "gaussian", params = { mean = 128, std_dev = 32, min = 16, max = 512 } },
                     output_distribution = { type = "gaussian", params = { mean = 128, std_dev = 32, min = 16, max = 512 } } }
    end
    return clients
  end)(),
}

local ex = blis.experiment{
  name = "prefix affinity",
  base = blis.scenario{ model = common.model, defaults_file = common.defaults_file, instances = 4,
                        engine = { kv_blocks = 4000 }, workload = traffic },
  vary = {
    routing = {
      load_only = { policy = "weighted", scorers = { {"queue-depth", 1} } },
      prefix_aware = { policy = "weighted", scorers = { {"prefix-affinity", 3}, {"queue-depth", 2} } },
    },
  },
  seeds = { 11, 22, 33, 44, 55 },
  collect = { "cache_hit_rate", "ttft_ms.mean", "ttft_ms.p99" },
}
local res = ex:run()
res:table("cache_hit_rate", { baseline = { routing = "load_only" } })
res:table("ttft_ms.mean", { baseline = { routing = "load_only" } })
res:table("ttft_ms.p99", { baseline = { routing = "load_only" } })
res:expect("prefix-aware routing finds more cached prefixes", "cache_hit_rate",
           { routing = "prefix_aware" }, ">", { routing = "load_only" })
res:expect("prefix-aware routing lowers mean TTFT", "ttft_ms.mean",
           { routing = "prefix_aware" }, "<", { routing = "load_only" })
