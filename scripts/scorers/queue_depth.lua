-- Lua version of the built-in "queue-depth" scorer (cluster-workload-trace §B.5): the least
-- loaded instances score 1, the most loaded 0, linearly in between; all 1 when loads are equal.
-- Load = queue depth + batch size + pending requests; the cluster view (the scorer's third
-- argument) carries its minimum and maximum over the instances.
return blis.scorer{
  name = "queue-depth (lua)",
  score = function(_, inst, cluster)
    local min_load, max_load = cluster.min_load, cluster.max_load
    if max_load == min_load then return 1.0 end
    return (max_load - inst.effective_load) / (max_load - min_load)
  end,
}
