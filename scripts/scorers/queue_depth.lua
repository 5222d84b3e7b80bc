-- Lua version of the built-in "queue-depth" scorer (cluster-workload-trace §B.5): the least
-- loaded instances score 1, the most loaded 0, linearly in between; all 1 when loads are equal.
-- Load = queue depth + batch size + pending requests. min/max are found once per decision.
local min_load, max_load = 0, 0

return blis.scorer{
  name = "queue-depth (lua)",
  prepare = function(_, cluster)
    local instances = cluster.instances
    min_load, max_load = instances[0].effective_load, instances[0].effective_load
    for i = 1, cluster.num_instances - 1 do
      local load = instances[i].effective_load
      if load < min_load then min_load = load end
      if load > max_load then max_load = load end
    end
  end,
  score = function(_, inst)
    if max_load == min_load then return 1.0 end
    return (max_load - inst.effective_load) / (max_load - min_load)
  end,
}
