-- a report hook reading the metrics, the per-request outcomes and the decision trace
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  instances = 3,
  routing = { policy = "round-robin" },
  workload = blis.workload.distribution{ rate = 200, requests = 30 },
  trace = { level = "decisions", counterfactual_k = 2 },
  report = function(r)
    print(("completed %d of %d, p99 TTFT %.3f ms, mean E2E %.3f ms"):format(
      r.cluster.completed, #r.requests, r.cluster.ttft_ms.p99, r.cluster.e2e_ms.mean))
    local per_instance = {}
    for _, inst in ipairs(r.instances) do per_instance[inst.id] = inst.completed end
    print(("fairness of completions across instances %.4f"):format(blis.jain_fairness(per_instance)))
    print(("SLO attainment (E2E <= 600 ms) %.3f"):format(blis.slo_attainment(r.requests, { [""] = 600 })))
    local worst, regret = nil, -1
    for _, d in ipairs(r.trace.routings) do
      if d.regret > regret then worst, regret = d, d.regret end
    end
    print(("%d routing decisions; worst regret %g for %s (chose %s, best was %s)"):format(
      #r.trace.routings, regret, worst.request_id, worst.chosen, worst.candidates[1].instance_id))
  end,
}
