-- Lua version of the built-in "kv-utilization" scorer (§B.5): free KV share, 1 - utilization.
-- With routing.snapshot_refresh_us > 0 the utilization it sees may be stale (§A.6).
return blis.scorer{
  name = "kv-utilization (lua)",
  score = function(_, inst) return 1.0 - inst.kv_utilization end,
}
