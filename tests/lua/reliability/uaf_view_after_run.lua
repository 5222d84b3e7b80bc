-- Regression test for ../shared/findings/reliability/uaf_view_after_run.lua (issue #12): must end with a clear error, never a crash.
local kept_inst, kept_cluster, kept_req
local function s(req, inst, cluster) kept_inst, kept_cluster, kept_req = inst, cluster, req; return 0.5 end
return blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } }, instances = 2, routing = { scorers = { {s, 1} } },
  workload = blis.workload.distribution{ rate = 10, requests = 20 },
  report = function(r)
    print("kept inst.queue_depth", kept_inst.queue_depth, "cluster.num", kept_cluster.num_instances)
    print("kept cluster.instances[1]", kept_cluster.instances[1].queue_depth)
    print("kept req.slo_class", kept_req.slo_class, kept_req.tenant)
  end }
