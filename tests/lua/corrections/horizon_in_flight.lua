-- horizon_in_flight in a scenario (corrected mode by default): the requests the horizon caught
-- between routing and queueing, or before a decision, are counted in the printed metrics and in
-- the report hook's blocks; `compat = "reference"` would count them nowhere and warn instead.
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  instances = 2,
  horizon_us = 510050,
  admission = { latency_us = 30000 },
  routing = { latency_us = 40000 },
  workload = blis.workload.distribution{ rate = 50, requests = 100 },
  report = function(r)
    local arrived = #r.requests + r.rejected + r.cluster.still_awaiting_decision
    print(("completed %d, queued %d, running %d, in transit %d, awaiting a decision %d (%d arrived)"):format(
      r.cluster.completed, r.cluster.still_queued, r.cluster.still_running, r.cluster.still_in_transit,
      r.cluster.still_awaiting_decision, arrived))
    for _, inst in ipairs(r.instances) do
      print(("%s: in transit %d"):format(inst.id, inst.still_in_transit))
    end
  end,
}
